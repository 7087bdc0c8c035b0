import { Writable } from "node:stream";
import pino from "pino";
import { Client } from "pg";
import { LogThrottle } from "../src/logging/log-throttle";
import { sleep } from "./support/eventually";
import { freePort } from "./support/free-port";

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose JSON lines are collected. */
function collectingLogger(): { logger: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

async function refusedConnectionError(): Promise<Error> {
  const client = new Client({ connectionString: `postgres://u:p@127.0.0.1:${await freePort()}/db` });
  return client.connect().then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: Error) => error,
  );
}

describe("LogThrottle", () => {
  it("writes a failure at once, only counts its repeats, and writes their count when the interval ends", async () => {
    const { logger, lines } = collectingLogger();
    const throttle = new LogThrottle(logger, { intervalMs: 150 });
    const refused = await refusedConnectionError();

    for (let i = 0; i < 20; i++) throttle.failure("error", "outbox relay failed; retrying", refused);
    await sleep(10);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "outbox relay failed; retrying", database: "unavailable", reason: "ECONNREFUSED" });
    // The reason says it all: no stack, no error object.
    expect(JSON.stringify(lines[0])).not.toContain("    at ");
    expect(lines[0]).not.toHaveProperty("err");

    await sleep(200);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      msg: "outbox relay failed; retrying (repeated)",
      reason: "ECONNREFUSED",
      suppressed: 19,
      intervalMs: 150,
    });

    // Quiet for a whole interval: no line, and the next failure is written at once again.
    await sleep(350);
    expect(lines).toHaveLength(2);
    throttle.failure("error", "outbox relay failed; retrying", refused);
    expect(lines).toHaveLength(3);
  });

  it("keeps kinds apart: another reason or another message is written at once", async () => {
    const { logger, lines } = collectingLogger();
    const throttle = new LogThrottle(logger, { intervalMs: 10_000 });
    const refused = await refusedConnectionError();
    const terminated = new Error("Connection terminated unexpectedly");

    for (let i = 0; i < 5; i++) {
      throttle.failure("warn", "worker heartbeat failed", refused);
      throttle.failure("warn", "worker heartbeat failed", terminated);
      throttle.failure("warn", "events not published; subscribers miss them", refused);
    }
    expect(lines.map((line) => [line.msg, line.reason])).toEqual([
      ["worker heartbeat failed", "ECONNREFUSED"],
      ["worker heartbeat failed", "connection lost"],
      ["events not published; subscribers miss them", "ECONNREFUSED"],
    ]);
  });

  it("logs any other error in full, once per interval per class and code, without its message in the count line", async () => {
    const { logger, lines } = collectingLogger();
    const throttle = new LogThrottle(logger, { intervalMs: 100 });
    for (let i = 0; i < 3; i++)
      throttle.failure("error", "unexpected error", new TypeError(`cannot read +1555000000${i}`), { requestId: `r${i}` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "unexpected error", kind: "TypeError:", requestId: "r0", err: { type: "TypeError" } });
    expect((lines[0].err as { stack: string }).stack).toContain("    at ");
    await sleep(150);
    expect(lines[1]).toEqual(expect.objectContaining({ msg: "unexpected error (repeated)", kind: "TypeError:", suppressed: 2 }));
    expect(JSON.stringify(lines[1])).not.toContain("+1555");
    expect(lines[1]).not.toHaveProperty("requestId");
  });
});
