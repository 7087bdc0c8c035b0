import fc from "fast-check";
import { decode, type FuzzWorld, fuzzPlan, holdsUnstorableText, type RenderedRequest, render } from "./support/fuzz-requests";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";

/**
 * Fuzzes createSmsConversation over real HTTP, in production mode: valid inputs and hostile
 * mutations of them, each sent once or retried identically. Never a 5xx or an
 * INTERNAL_SERVER_ERROR; hostile text is never accepted; an accepted call writes exactly one
 * message, and a replay (a messageSid accepted before) none; the identical retry of an accepted
 * call with a messageSid is always a replay of it.
 *
 * `npm test` runs 300, or what 20 s allow on a busy machine (at least 50); `npm run fuzz` runs
 * FUZZ_RUNS (default 10,000) without a time limit. FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** In `npm test` only: the property stops early, passing, after this long. */
const TIME_LIMIT_MS = process.env.FUZZ_RUNS === undefined ? 20_000 : undefined;
const MIN_RUNS = Math.min(RUNS, 50);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** The server's nesting limit (LIMITS.jsonDepth), restated as the oracle's. */
const MAX_JSON_DEPTH = 32;

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false, nodeEnv: "production" });
  account = await harness.createAccount({ numbers: 2 });
});
afterAll(() => harness.close());

const messageCount = async () =>
  (await harness.db.query("SELECT count(*)::int AS n FROM sms_message WHERE account_id = $1", [account.id])).rows[0].n as number;

interface ResponseBody {
  data?: { createSmsConversation?: { conversationId: string | null; userErrors: unknown[] } | null } | null;
  errors?: Array<{ extensions?: { code?: string } }>;
}

it(
  `never answers a 5xx or INTERNAL_SERVER_ERROR, accepts no hostile text, and writes one message per accepted call, none per replay (${RUNS} runs)`,
  async () => {
    const world: FuzzWorld = {
      userNumbers: [randomNumber(), randomNumber(), randomNumber()],
      agentNumbers: account.agentNumbers,
      unknownNumbers: [randomNumber()],
      messageSids: ["SM0001", "SM0002", "SM0003", "SM0004", "SM0005", "SM0006"],
    };
    /** The conversation of each messageSid the server accepted. */
    const accepted = new Map<string, string>();
    const tally = { runs: 0, requests: 0, accepted: 0, replays: 0, userErrors: 0, topLevelErrors: 0, http4xx: 0 };
    let written = await messageCount();
    const startedAt = Date.now();

    /** Sends a request and checks its answer and the rows against the model; the conversation id when accepted. */
    const send = async (request: RenderedRequest): Promise<{ conversationId: string; replay: boolean } | null> => {
      tally.requests++;
      const response = await fetch(`${harness.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": request.contentType, authorization: account.apiKey },
        body: request.body,
      });
      const body = JSON.parse(await response.text()) as ResponseBody;
      expect(response.status).toBeLessThan(500);
      expect(body.errors?.map((error) => error.extensions?.code) ?? []).not.toContain("INTERNAL_SERVER_ERROR");

      const payload = body.data?.createSmsConversation;
      const now = await messageCount();
      const delta = now - written;
      written = now;
      if (response.status !== 200 || body.errors || !payload?.conversationId || payload.userErrors.length > 0) {
        if (response.status >= 400) tally.http4xx++;
        else if (body.errors) tally.topLevelErrors++;
        else tally.userErrors++;
        expect(delta).toBe(0);
        return null;
      }
      // The server read the request as the oracle reads it, or it could not have accepted it.
      const input = decode(request)?.variables?.input;
      expect(input).toBeDefined();
      expect(Object.values(input!).some((value) => holdsUnstorableText(value, MAX_JSON_DEPTH))).toBe(false);
      const messageSid = typeof input!.messageSid === "string" ? input!.messageSid : null;
      const original = messageSid === null ? undefined : accepted.get(messageSid);
      if (original !== undefined) {
        tally.replays++;
        expect(payload.conversationId).toBe(original);
        expect(delta).toBe(0);
        return { conversationId: original, replay: true };
      }
      tally.accepted++;
      if (messageSid !== null) accepted.set(messageSid, payload.conversationId);
      expect(delta).toBe(1);
      return { conversationId: payload.conversationId, replay: false };
    };

    await fc.assert(
      fc.asyncProperty(fuzzPlan(world), async (plan) => {
        tally.runs++;
        const request = render(plan);
        const first = await send(request);
        for (let retry = 0; retry < plan.retries; retry++) {
          const again = await send(request);
          const hasSid = typeof decode(request)?.variables?.input?.messageSid === "string";
          // An accepted call with a messageSid, sent again identically, is answered as its replay.
          if (first && hasSid) expect(again).toEqual({ conversationId: first.conversationId, replay: true });
        }
      }),
      {
        numRuns: RUNS,
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        markInterruptAsFailure: false,
        ...(SEED === undefined ? {} : { seed: SEED }),
      },
    );

    expect(tally.runs).toBeGreaterThanOrEqual(MIN_RUNS);
    expect(await messageCount()).toBe(tally.accepted);
    if (process.env.FUZZ_RUNS) console.log(`fuzz: ${JSON.stringify(tally)} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  },
  Math.max(60_000, RUNS * 100),
);
