import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parsePublicId } from "../src/services/shared/public-id";
import { verifyWebhookSignature } from "../src/services/outbound/webhook-signature";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { eventually, sleep } from "./support/eventually";
import { CONVERSATION, CREATE } from "./support/operations";

/*
 * Webhook delivery of the timeout flow's messages, end to end: a real HTTP receiver on
 * 127.0.0.1 that records every request (headers and raw body) and answers a programmed status
 * sequence; Parley's API and worker in one process; the rows checked as well as the API's answers.
 */

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  receivedAt: number;
  answeredWith: number;
}

interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

const openReceivers: Receiver[] = [];

/** An AGENT turn whose silence brings a warning after 1 s and the end after 2 s. */
const warningThenEnd = () => ({
  userNumber: randomNumber(),
  message: "Hi",
  sender: "AGENT",
  timeOut: 2,
  warningTime: 1,
  warningMessage: "Still there?",
  timeoutMessage: "Bye",
});

/** A webhook receiver answering `statuses` in order, then the last one forever. */
async function startReceiver(statuses: readonly number[]): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const status = statuses[Math.min(requests.length, statuses.length - 1)];
      requests.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        rawBody: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
        answeredWith: status,
      });
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(status >= 200 && status < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/parley`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  openReceivers.push(receiver);
  return receiver;
}

/** A URL on 127.0.0.1 where nothing listens: a port just bound and released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hooks/parley`;
}

afterEach(async () => {
  await Promise.all(openReceivers.splice(0).map((receiver) => receiver.close()));
});

function helpers(getHarness: () => Harness) {
  async function send(target: TestAccount, input: Record<string, unknown>) {
    const { body } = await getHarness().graphql(
      CREATE,
      { input: { agentNumber: target.agentNumbers[0], ...input } },
      { apiKey: target.apiKey },
    );
    expect(body.errors).toBeUndefined();
    const payload = body.data!.createSmsConversation;
    expect(payload.userErrors).toEqual([]);
    return payload;
  }

  async function conversation(target: TestAccount, id: string) {
    const { body } = await getHarness().graphql(CONVERSATION, { id, first: 100 }, { apiKey: target.apiKey });
    expect(body.errors).toBeUndefined();
    return body.data!.smsConversation;
  }

  /** The conversation's messages (GraphQL nodes) of a given kind. */
  async function messagesOfKind(target: TestAccount, conversationId: string, kind: string) {
    const current = await conversation(target, conversationId);
    return current.messages.edges.map((e: any) => e.node).filter((node: any) => node.kind === kind);
  }

  async function attemptRows(messagePublicId: string) {
    const { rows } = await getHarness().db.query(
      `SELECT a.attempt, a.attempted_at, a.status_code, a.latency_ms, a.error
       FROM webhook_delivery_attempt a WHERE a.message_id = $1 ORDER BY a.attempt`,
      [parsePublicId("message", messagePublicId)],
    );
    return rows;
  }

  async function messageRow(messagePublicId: string) {
    const { rows } = await getHarness().db.query("SELECT kind, body, delivery_status FROM sms_message WHERE id = $1", [
      parsePublicId("message", messagePublicId),
    ]);
    return rows[0];
  }

  async function pendingJobs(messagePublicId: string) {
    const { rows } = await getHarness().db.query("SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = $1", [
      `webhook:${parsePublicId("message", messagePublicId)}`,
    ]);
    return rows[0].n as number;
  }

  /** Waits for the conversation's TIMEOUT_END message to leave QUEUED; returns its node. */
  async function settledEnd(target: TestAccount, conversationId: string) {
    return eventually(async () => {
      const [end] = await messagesOfKind(target, conversationId, "TIMEOUT_END");
      expect(end).toBeDefined();
      expect(end.deliveryStatus).not.toBe("QUEUED");
      return end;
    });
  }

  return { send, conversation, messagesOfKind, attemptRows, messageRow, pendingJobs, settledEnd };
}

describe("webhook delivery of the timeout flow's messages", () => {
  let harness: Harness;
  let account: TestAccount;
  let secret: string;
  const { send, conversation, messagesOfKind, attemptRows, messageRow, pendingJobs, settledEnd } = helpers(() => harness);

  beforeAll(async () => {
    harness = await startHarness({ runWorker: true });
  });
  afterAll(() => harness.close());
  beforeEach(async () => {
    account = await harness.createAccount();
  });
  afterEach(() => jest.restoreAllMocks());

  async function pointWebhookAt(url: string) {
    const result = await harness.parley.services.accounts.setWebhook(account.id, url);
    expect(result.url).toBe(url);
    expect(result.secret).toMatch(/^whsec_/);
    secret = result.secret!;
  }

  it("retries a failing receiver with the same event id and growing delays until it answers 2xx, then marks the message SENT", async () => {
    const receiver = await startReceiver([500, 500, 200]);
    await pointWebhookAt(receiver.url);
    const created = await send(account, { userNumber: randomNumber(), message: "Hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });

    const end = await settledEnd(account, created.conversationId);
    expect(end).toMatchObject({ sender: "AGENT", kind: "TIMEOUT_END", body: "Bye", deliveryStatus: "SENT" });

    // Three POSTs of one event: refused twice, accepted once.
    expect(receiver.requests.map((r) => r.answeredWith)).toEqual([500, 500, 200]);
    expect(receiver.requests.every((r) => r.method === "POST" && r.url === "/hooks/parley")).toBe(true);
    const eventIds = receiver.requests.map((r) => r.headers["parley-event-id"]);
    expect(eventIds[0]).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(new Set(eventIds).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.rawBody)).size).toBe(1);
    expect(receiver.requests.every((r) => r.headers["content-type"] === "application/json")).toBe(true);

    // The API's log of attempts, oldest first.
    expect(end.webhookAttempts.map((a: any) => a.attempt)).toEqual([1, 2, 3]);
    expect(end.webhookAttempts.map((a: any) => a.statusCode)).toEqual([500, 500, 200]);
    expect(end.webhookAttempts.map((a: any) => a.error)).toEqual(["HTTP 500", "HTTP 500", null]);
    for (const a of end.webhookAttempts) {
      expect(Number.isInteger(a.latencyMs)).toBe(true);
      expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const attemptedAt = end.webhookAttempts.map((a: any) => Date.parse(a.attemptedAt));
    expect(attemptedAt[1]).toBeGreaterThan(attemptedAt[0]);
    expect(attemptedAt[2]).toBeGreaterThan(attemptedAt[1]);

    // The rows agree.
    const rows = await attemptRows(end.id);
    expect(rows.map((r) => [r.attempt, r.status_code, r.error])).toEqual([
      [1, 500, "HTTP 500"],
      [2, 500, "HTTP 500"],
      [3, 200, null],
    ]);
    expect(rows.map((r) => r.attempted_at.toISOString())).toEqual(end.webhookAttempts.map((a: any) => a.attemptedAt));
    expect(rows.map((r) => r.latency_ms)).toEqual(end.webhookAttempts.map((a: any) => a.latencyMs));
    expect(await messageRow(end.id)).toEqual({ kind: "TIMEOUT_END", body: "Bye", delivery_status: "SENT" });

    // Backoff: 100 ms then 200 ms in tests, each plus up to a poll's lateness (which a loaded
    // machine stretches), so only the lower bounds are the backoff's own.
    const gaps = [
      receiver.requests[1].receivedAt - receiver.requests[0].receivedAt,
      receiver.requests[2].receivedAt - receiver.requests[1].receivedAt,
    ];
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);

    // Delivered means done: no late repeat, no job left behind.
    await sleep(600);
    expect(receiver.requests).toHaveLength(3);
    expect(await attemptRows(end.id)).toHaveLength(3);
    expect(await pendingJobs(end.id)).toBe(0);
  });

  it("POSTs a JSON event naming the message, conversation, kind, numbers and text", async () => {
    const receiver = await startReceiver([200]);
    await pointWebhookAt(receiver.url);
    const userNumber = randomNumber();
    const created = await send(account, { userNumber, message: "Hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });

    const end = await settledEnd(account, created.conversationId);
    expect(end.deliveryStatus).toBe("SENT");
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request.headers["content-type"]).toBe("application/json");
    const event = JSON.parse(request.rawBody);
    expect(event).toEqual({
      id: request.headers["parley-event-id"],
      type: "sms.outbound",
      createdAt: end.createdAt,
      data: {
        messageId: end.id,
        conversationId: created.conversationId,
        kind: "TIMEOUT_END",
        from: account.agentNumbers[0],
        to: userNumber,
        body: "Bye",
      },
    });
    expect(event.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(event.data.messageId).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(event.data.conversationId).toMatch(/^conv_[0-9a-f]{32}$/);
    expect(end.webhookAttempts).toEqual([
      { attempt: 1, attemptedAt: expect.any(String), statusCode: 200, latencyMs: expect.any(Number), error: null },
    ]);
  });

  it("delivers the warning and the end as two events, each with its own event id", async () => {
    const receiver = await startReceiver([200]);
    await pointWebhookAt(receiver.url);
    const created = await send(account, warningThenEnd());

    const end = await settledEnd(account, created.conversationId);
    const [warning] = await messagesOfKind(account, created.conversationId, "TIMEOUT_WARNING");
    expect(warning).toMatchObject({ body: "Still there?", deliveryStatus: "SENT" });
    expect(end).toMatchObject({ body: "Bye", deliveryStatus: "SENT" });
    expect(receiver.requests).toHaveLength(2);
    const events = receiver.requests.map((r) => JSON.parse(r.rawBody));
    expect(events.map((e) => [e.data.kind, e.data.body, e.data.messageId])).toEqual([
      ["TIMEOUT_WARNING", "Still there?", warning.id],
      ["TIMEOUT_END", "Bye", end.id],
    ]);
    expect(events[0].id).not.toBe(events[1].id);
    expect(receiver.requests.map((r) => r.headers["parley-event-id"])).toEqual(events.map((e) => e.id));
    expect(receiver.requests.every((r) => verifyWebhookSignature(secret, r.headers["parley-signature"] as string, r.rawBody))).toBe(true);
    expect(await attemptRows(warning.id)).toHaveLength(1);
    expect(await attemptRows(end.id)).toHaveLength(1);
  });

  it("signs each POST so verifyWebhookSignature accepts it, and rejects a tampered body, a wrong secret, no header and an old timestamp", async () => {
    const receiver = await startReceiver([200]);
    await pointWebhookAt(receiver.url);
    const created = await send(account, { userNumber: randomNumber(), message: "Hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });
    await settledEnd(account, created.conversationId);

    const [request] = receiver.requests;
    const header = request.headers["parley-signature"] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const timestamp = Number(/^t=(\d+)/.exec(header)![1]);
    expect(Math.abs(timestamp - request.receivedAt / 1000)).toBeLessThan(5);

    expect(verifyWebhookSignature(secret, header, request.rawBody)).toBe(true);
    expect(verifyWebhookSignature(secret, header, request.rawBody, { now: request.receivedAt })).toBe(true);
    // Tampered body: a changed text, and the same JSON re-serialized with different spacing.
    expect(verifyWebhookSignature(secret, header, request.rawBody.replace('"Bye"', '"Hacked"'))).toBe(false);
    expect(verifyWebhookSignature(secret, header, JSON.stringify(JSON.parse(request.rawBody), null, 2))).toBe(false);
    // Wrong secret: another account's.
    const other = await harness.createAccount();
    const { secret: otherSecret } = await harness.parley.services.accounts.setWebhook(other.id, receiver.url);
    expect(otherSecret).not.toBe(secret);
    expect(verifyWebhookSignature(otherSecret!, header, request.rawBody)).toBe(false);
    // Missing header.
    expect(verifyWebhookSignature(secret, undefined, request.rawBody)).toBe(false);
    expect(verifyWebhookSignature(secret, null, request.rawBody)).toBe(false);
    expect(verifyWebhookSignature(secret, "", request.rawBody)).toBe(false);
    // Replayed ten minutes later (or a clock ten minutes behind).
    expect(verifyWebhookSignature(secret, header, request.rawBody, { now: request.receivedAt + 10 * 60_000 })).toBe(false);
    expect(verifyWebhookSignature(secret, header, request.rawBody, { now: request.receivedAt - 10 * 60_000 })).toBe(false);
  });

  it("rotating the webhook issues a new secret: later events verify with it, not with the old one", async () => {
    const first = await startReceiver([200]);
    await pointWebhookAt(first.url);
    const oldSecret = secret;
    const second = await startReceiver([200]);
    await pointWebhookAt(second.url);
    expect(secret).not.toBe(oldSecret);

    const created = await send(account, { userNumber: randomNumber(), message: "Hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });
    expect((await settledEnd(account, created.conversationId)).deliveryStatus).toBe("SENT");
    expect(first.requests).toHaveLength(0);
    expect(second.requests).toHaveLength(1);
    const [request] = second.requests;
    expect(verifyWebhookSignature(secret, request.headers["parley-signature"] as string, request.rawBody)).toBe(true);
    expect(verifyWebhookSignature(oldSecret, request.headers["parley-signature"] as string, request.rawBody)).toBe(false);
  });

  it("leaves the timeout messages QUEUED, with no attempts and no delivery job, for an account without a webhook", async () => {
    const attempt = jest.spyOn(harness.parley.services.webhooks, "attempt");
    const { rows: accountRows } = await harness.db.query("SELECT webhook_url, webhook_secret FROM account WHERE id = $1", [account.id]);
    expect(accountRows[0]).toEqual({ webhook_url: null, webhook_secret: null });

    const created = await send(account, warningThenEnd());
    const ended = await eventually(async () => {
      const current = await conversation(account, created.conversationId);
      expect(current.status).toBe("TIMED_OUT");
      return current;
    });
    await sleep(400);

    const latest = await conversation(account, created.conversationId);
    const timeoutMessages = latest.messages.edges.map((e: any) => e.node).filter((n: any) => n.kind !== "NORMAL");
    expect(ended.messages.edges).toHaveLength(3);
    expect(timeoutMessages.map((n: any) => [n.kind, n.body, n.deliveryStatus, n.webhookAttempts])).toEqual([
      ["TIMEOUT_WARNING", "Still there?", "QUEUED", []],
      ["TIMEOUT_END", "Bye", "QUEUED", []],
    ]);
    for (const node of timeoutMessages) {
      expect(await messageRow(node.id)).toMatchObject({ delivery_status: "QUEUED" });
      expect(await attemptRows(node.id)).toEqual([]);
      expect(await pendingJobs(node.id)).toBe(0);
    }
    const ids = timeoutMessages.map((n: any) => parsePublicId("message", n.id));
    const { rows: outbox } = await harness.db.query(
      "SELECT count(*)::int AS n FROM workflow_outbox WHERE task = 'delivery.webhook' AND payload->>'messageId' = ANY($1)",
      [ids],
    );
    expect(outbox[0].n).toBe(0);
    // The delivery task never ran for these messages.
    expect(attempt.mock.calls.map(([messageId]) => messageId).filter((id) => ids.includes(id))).toEqual([]);
  });
});

describe("webhook delivery that never succeeds (3 attempts, 50 ms base)", () => {
  let harness: Harness;
  let account: TestAccount;
  const { send, attemptRows, messageRow, pendingJobs, settledEnd } = helpers(() => harness);

  beforeAll(async () => {
    harness = await startHarness({ runWorker: true, webhook: { retryBaseMs: 50, maxAttempts: 3 } });
  });
  afterAll(() => harness.close());
  beforeEach(async () => {
    account = await harness.createAccount();
  });

  it("marks the message FAILED after exactly maxAttempts refused POSTs, and stops POSTing", async () => {
    const receiver = await startReceiver([503]);
    await harness.parley.services.accounts.setWebhook(account.id, receiver.url);
    const created = await send(account, { userNumber: randomNumber(), message: "Hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });

    const end = await settledEnd(account, created.conversationId);
    expect(end.deliveryStatus).toBe("FAILED");
    expect(end.webhookAttempts.map((a: any) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 503, "HTTP 503"],
      [2, 503, "HTTP 503"],
      [3, 503, "HTTP 503"],
    ]);
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.headers["parley-event-id"])).size).toBe(1);

    // Well past the next backoff step (200 ms): nothing more arrives, nothing is logged or queued.
    await sleep(800);
    expect(receiver.requests).toHaveLength(3);
    expect((await attemptRows(end.id)).map((r) => [r.attempt, r.status_code, r.error])).toEqual([
      [1, 503, "HTTP 503"],
      [2, 503, "HTTP 503"],
      [3, 503, "HTTP 503"],
    ]);
    expect(await messageRow(end.id)).toEqual({ kind: "TIMEOUT_END", body: "Bye", delivery_status: "FAILED" });
    expect(await pendingJobs(end.id)).toBe(0);
  });

  it("records an unreachable receiver's attempts with no status code and the network error, then FAILED", async () => {
    const url = await closedPortUrl();
    await harness.parley.services.accounts.setWebhook(account.id, url);
    const created = await send(account, { userNumber: randomNumber(), message: "Hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });

    const end = await settledEnd(account, created.conversationId);
    expect(end.deliveryStatus).toBe("FAILED");
    expect(end.webhookAttempts.map((a: any) => a.attempt)).toEqual([1, 2, 3]);
    for (const a of end.webhookAttempts) {
      expect(a.statusCode).toBeNull();
      expect(typeof a.error).toBe("string");
      expect(a.error).not.toBe("");
      expect(a.error).not.toMatch(/^HTTP /);
      expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const rows = await attemptRows(end.id);
    expect(rows.map((r) => [r.attempt, r.status_code, r.error])).toEqual(end.webhookAttempts.map((a: any) => [a.attempt, null, a.error]));
    expect(await messageRow(end.id)).toMatchObject({ delivery_status: "FAILED" });
  });
});

describe("webhook retry schedule (no worker: attempts made by hand)", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, webhook: { retryBaseMs: 100, maxAttempts: 5 } });
  });
  afterAll(() => harness.close());

  it("schedules each retry after twice the previous delay: 100, 200, 400 ms", async () => {
    const receiver = await startReceiver([500]);
    const account = await harness.createAccount();
    await harness.parley.services.accounts.setWebhook(account.id, receiver.url);
    const sent = await harness.parley.services.conversations.sendMessage(account.id, {
      agentNumber: account.agentNumbers[0],
      userNumber: randomNumber(),
      agentMessage: "Hi",
    });
    if (!sent.ok) throw new Error(`send refused: ${sent.problem.code}`);

    const delays = [];
    for (let i = 0; i < 3; i++) {
      const outcome = await harness.parley.services.webhooks.attempt(sent.messageId);
      const answeredAt = Date.now();
      if (outcome.kind !== "retry") throw new Error(`attempt ${i + 1} ended ${outcome.kind}`);
      delays.push(outcome.runAt.getTime() - answeredAt);
    }
    // Each delay is counted from just before the attempt returned, so it reads a little short.
    expect(delays.map((delay) => Math.round(delay / 50) * 50)).toEqual([100, 200, 400]);
    expect(receiver.requests.map((r) => r.answeredWith)).toEqual([500, 500, 500]);
  });
});
