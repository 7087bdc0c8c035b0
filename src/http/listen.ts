import type { Server } from "node:http";
import { createServer } from "node:net";

/** Listens on `port`; a port already taken fails with one line that names it and the variable that sets it. */
export function listen(server: Server, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? portInUse(port, variable) : error);
    server.once("error", failed);
    server.listen(port, () => {
      server.off("error", failed);
      resolve();
    });
  });
}

/** The one-line start-up failure for a port another process holds. */
export function portInUse(port: number, variable: string): Error {
  const error = new Error(`port ${port} is already in use (another Parley running? stop it, or set ${variable} to a free port)`);
  error.name = "PortInUseError";
  return error;
}

/**
 * Fails at once, with portInUse's one line, when `port` is taken: checked before a start opens
 * the database and runs migrations, so a second `npm start` says only that. (Port 0 is always free.)
 */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? portInUse(port, variable) : error));
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
