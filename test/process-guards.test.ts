import path from "node:path";
import { eventually } from "./support/eventually";
import { freePort } from "./support/free-port";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { startGatewayProcess, type WorkerProcess } from "./support/worker-process";

/*
 * A real `npm start` process meets an unhandled rejection and an uncaught exception (raised by a
 * preloaded script on SIGUSR2): it logs them, without their messages, and keeps serving.
 */

jest.setTimeout(60_000);

let harness: Harness;
let account: TestAccount;
let gateway: WorkerProcess;
let baseUrl: string;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  account = await harness.createAccount();
  const port = await freePort();
  const preload = path.join(__dirname, "support", "raise-on-signal.js");
  gateway = startGatewayProcess(harness.database.url, port, {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${preload}`.trim(),
  });
  await gateway.ready;
  baseUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await gateway.stop("SIGTERM");
  await harness.close();
});

describe("an npm start process", () => {
  it("logs an unhandled rejection and an uncaught exception, without their messages, and keeps serving", async () => {
    gateway.child.kill("SIGUSR2");
    await eventually(async () => {
      expect(gateway.output()).toContain('"msg":"unhandled rejection; the process keeps serving"');
      expect(gateway.output()).toContain('"msg":"uncaught exception; the process keeps serving"');
    });
    expect(gateway.output()).toContain('"kind":"TypeError:"');
    expect(gateway.output()).not.toContain("+1555000");

    const response = await fetch(`${baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: account.apiKey },
      body: JSON.stringify({
        query:
          "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId userErrors { code } } }",
        variables: { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "still there?" } },
      }),
    });
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { data: { createSmsConversation: { userErrors: unknown[] } } }).data.createSmsConversation.userErrors,
    ).toEqual([]);
    expect(gateway.child.exitCode).toBeNull();
  });
});
