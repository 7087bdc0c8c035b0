import { freePort } from "./support/free-port";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";
import { subscribe } from "./support/subscriber";
import { startGatewayProcess, type WorkerProcess } from "./support/worker-process";

/*
 * Two `npm start` processes on one database: a subscriber connected to one hears the messages
 * recorded through the other (events cross processes by PostgreSQL NOTIFY).
 */

jest.setTimeout(60_000);

const ADDED = "subscription { smsMessageAdded { body conversation { userNumber } } }";

let harness: Harness;
let account: TestAccount;
const gateways: Array<{ process: WorkerProcess; url: string }> = [];

beforeAll(async () => {
  // This harness only provides the database and an account; the gateways are real processes.
  harness = await startHarness({ runWorker: false });
  account = await harness.createAccount();
  for (const env of [{ RUN_WORKER: "false" }, { RUN_WORKER: "true" }]) {
    const port = await freePort();
    const process = startGatewayProcess(harness.database.url, port, env);
    gateways.push({ process, url: `http://127.0.0.1:${port}` });
  }
  await Promise.all(gateways.map(({ process }) => process.ready));
});
afterAll(async () => {
  await Promise.all(gateways.map(({ process }) => process.stop("SIGTERM")));
  await harness.close();
});

async function createThrough(baseUrl: string, body: string) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: account.apiKey },
    body: JSON.stringify({
      query: CREATE,
      variables: { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: body } },
    }),
  });
  const json = (await response.json()) as { data: { createSmsConversation: { userErrors: unknown[] } } };
  expect(json.data.createSmsConversation.userErrors).toEqual([]);
}

describe("two gateway processes", () => {
  it("deliver each other's events to their subscribers", async () => {
    const [a, b] = gateways;
    const onA = await subscribe(a.url, account.apiKey, ADDED);
    const onB = await subscribe(b.url, account.apiKey, ADDED);
    try {
      await createThrough(b.url, "sent through B");
      await createThrough(a.url, "sent through A");
      for (const subscriber of [onA, onB]) {
        const events = await subscriber.waitFor(2);
        expect(events.map((e) => e.smsMessageAdded.body).sort()).toEqual(["sent through A", "sent through B"]);
      }
    } finally {
      await onA.close();
      await onB.close();
    }
  });
});
