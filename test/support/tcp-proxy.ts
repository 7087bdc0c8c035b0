import net from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a PostgreSQL server, to take the database away from a
 * Parley without touching the server other tests share: `refuse()` is a database that is down
 * (connections reset, new ones refused), `blackhole()` one that cannot be reached (nothing
 * answers, new connections hang), `restore()` brings it back, `failover()` brings it back for new
 * connections only (the ones open meanwhile stay silent, as after a failover to a new server),
 * `loseAnswer()` drops a connection just as the server answers (the work done, the client
 * never told).
 */
export interface TcpProxy {
  /** `url` with the proxy's port: what Parley connects to. */
  url: string;
  refuse(): Promise<void>;
  blackhole(): void;
  restore(): Promise<void>;
  failover(): void;
  /**
   * The next answer holding `answer` (e.g. a command tag, `UPDATE 1`) that the server sends right
   * after a client message holding `statement` (its text or prepared statement's name) is not
   * passed on: both sides of its connection are closed instead. Resolves once that happened.
   */
  loseAnswer(statement: string, answer: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  const open = new Set<net.Socket>();
  /** Connections silenced by blackhole(): dropped by restore(), left silent by failover(). */
  const silent = new Set<net.Socket>();
  let mode: "forward" | "blackhole" = "forward";
  let losing: { statement: string; answer: string; lost: () => void } | undefined;

  const server = net.createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => undefined);
    if (mode === "blackhole") {
      silent.add(client);
      return;
    }
    const upstream = net.connect(targetPort, target.hostname);
    open.add(upstream);
    upstream.on("close", () => open.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    let asked = false;
    client.on("data", (chunk: Buffer) => {
      if (losing && chunk.includes(losing.statement)) asked = true;
    });
    upstream.on("data", (chunk: Buffer) => {
      if (asked && losing && chunk.includes(losing.answer)) {
        losing.lost();
        losing = undefined;
        client.destroy();
        upstream.destroy();
        return;
      }
      asked = false;
      client.write(chunk);
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const dropAll = () => {
    for (const socket of open) socket.destroy();
  };

  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(targetUrl);
  url.port = String(port);

  return {
    url: url.toString(),
    async refuse() {
      mode = "forward";
      const closed = stopListening();
      dropAll();
      await closed;
    },
    blackhole() {
      mode = "blackhole";
      // Open connections stay open, but nothing flows any more, either way.
      for (const socket of open) {
        socket.unpipe();
        socket.pause();
        silent.add(socket);
      }
    },
    async restore() {
      for (const socket of silent) socket.destroy();
      silent.clear();
      mode = "forward";
      if (!server.listening) await listen(port);
    },
    failover() {
      mode = "forward";
    },
    loseAnswer(statement, answer) {
      return new Promise<void>((lost) => {
        losing = { statement, answer, lost };
      });
    },
    async close() {
      const closed = stopListening();
      dropAll();
      await closed;
    },
  };
}
