import fs from "node:fs";
import path from "node:path";
import { DEFAULT_OPERATION_LIMITS } from "../src/config";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE, PAGE } from "./support/operations";

/*
 * Operation limits: every operation is checked for depth, aliases, directives, tokens and cost
 * before it is validated, compiled or run. A refusal is a request error with a stable code and
 * the limit it broke; the server goes on answering.
 */

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  account = await harness.createAccount();
});
afterAll(() => harness.close());

const ask = (query: string, variables?: Record<string, unknown>, apiKey: string | null = account.apiKey) =>
  harness.graphql(query, variables, { apiKey });
const conversationCount = async () =>
  (await harness.db.query("SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id])).rows[0].n;

/** `{ a0: messages(first: 100) { … } a1: … }` — `count` aliased connections, each selecting `inner`. */
const aliased = (count: number, inner: string) =>
  Array.from({ length: count }, (_, i) => `a${i}: messages(first: 100) { edges { node { conversation { ${inner} } } } }`).join(" ");

/** The hostile tester's fan-out: fragments of 11 aliased connections, each spreading the next, 4 levels. */
const FAN_OUT = `query { smsConversations(first: 100) { edges { node { ...F1 } } } }
  fragment F1 on SmsConversation { ${aliased(11, "...F2")} }
  fragment F2 on SmsConversation { ${aliased(11, "...F3")} }
  fragment F3 on SmsConversation { ${aliased(11, "...F4")} }
  fragment F4 on SmsConversation { id }`;

/** Three levels of 100 × 100 through `conversation`: ~10⁶ messages if it ran. */
const NESTED = `query { smsConversations(first: 100) { edges { node { ${"messages(first: 100) { edges { node { conversation { ".repeat(3)} id ${"} } } } ".repeat(3)} } } } }`;

async function expectStillServing(): Promise<void> {
  const { body } = await ask("{ __typename }");
  expect(body).toEqual({ data: { __typename: "Query" } });
}

describe("operation limits (defaults)", () => {
  it("lets the documented shapes through: the README's create, a page of 50 with their latest 20 messages, the example client's operations", async () => {
    const readmeCreate = `mutation Create($input: CreateSmsConversationInput!) {
      createSmsConversation(input: $input) {
        message conversationId workflowId
        conversation {
          status
          effectiveTimeoutConfig { timeOut { value source } warningTime { value source } }
          messages(first: 20) { edges { node { sender body createdAt } } pageInfo { hasNextPage endCursor } }
        }
        archivedConversation { id status }
        userErrors { code field message }
      }
    }`;
    const created = await ask(readmeCreate, {
      input: {
        userNumber: randomNumber(),
        agentNumber: account.agentNumbers[0],
        message: "Hi!",
        sender: "AGENT",
        timeOut: 600,
        warningTime: 300,
      },
    });
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data!.createSmsConversation.userErrors).toEqual([]);

    const page = await ask(PAGE, { first: 50 });
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data!.smsConversations.edges.length).toBeGreaterThan(0);

    const examples = fs.readFileSync(path.join(__dirname, "../examples/client/operations.graphql"), "utf8");
    for (const operationName of ["CreateConversation", "ContinueConversation", "ListConversations"]) {
      const response = await fetch(`${harness.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: account.apiKey },
        body: JSON.stringify({ query: examples, operationName, variables: {} }),
      });
      const answer = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      // Variables are missing, so some are refused — by graphql-js's coercion, never by a limit.
      expect(answer.errors?.map((error) => error.extensions?.code) ?? []).not.toContain("OPERATION_LIMIT_EXCEEDED");
    }
  });

  it("refuses the fan-out of fragments before running it, with the limit it broke, and goes on serving", async () => {
    const { status, body } = await ask(FAN_OUT);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors![0]).toMatchObject({
      message: expect.stringMatching(/levels deep; at most 10 allowed/),
      extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "depth", maximum: 10 },
    });
    await expectStillServing();
  });

  it("refuses three levels of 100 × 100 connections by their cost", async () => {
    const deep = await startHarness({ runWorker: false, config: { limits: { ...DEFAULT_OPERATION_LIMITS, maxDepth: 50 } } });
    try {
      const other = await deep.createAccount();
      const { status, body } = await deep.graphql(NESTED, undefined, { apiKey: other.apiKey });
      expect(status).toBe(400);
      expect(body.errors![0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "cost", maximum: 25_000 });
      expect(body.errors![0].extensions!.actual).toBeGreaterThan(1_000_000);
    } finally {
      await deep.close();
    }
  });

  it("refuses 1,000 aliased createSmsConversation in one request and writes nothing", async () => {
    const before = await conversationCount();
    const fields = Array.from(
      { length: 1_000 },
      (_, i) =>
        `c${i}: createSmsConversation(input: { userNumber: "${randomNumber()}", agentNumber: "${account.agentNumbers[0]}", message: "m" }) { conversationId }`,
    ).join(" ");
    const { body } = await ask(`mutation { ${fields} }`);
    expect(body.errors![0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "tokens", maximum: 2_000 });
    expect(await conversationCount()).toBe(before);
  });

  it("refuses more aliases than allowed, counting those in fragments", async () => {
    const before = await conversationCount();
    const fields = Array.from({ length: 8 }, (_, i) => `c${i}: createSmsConversation(input: $input) { conversationId }`).join(" ");
    const { body } = await ask(
      `mutation($input: CreateSmsConversationInput!) { ...M ...M2 } fragment M on Mutation { ${fields} } fragment M2 on Mutation { ${fields.replace(/c(\d)/g, "d$1")} }`,
      {
        input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "m" },
      },
    );
    expect(body.errors![0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "aliases", maximum: 15, actual: 16 });
    expect(await conversationCount()).toBe(before);
  });

  it("counts aliases of __typename too", async () => {
    const { body } = await ask(`{ ${Array.from({ length: 16 }, (_, i) => `t${i}: __typename`).join(" ")} }`);
    expect(body.errors![0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "aliases", maximum: 15, actual: 16 });
  });

  it("refuses more directives than allowed", async () => {
    const { body } = await ask(`{ ${Array.from({ length: 11 }, () => "__typename @include(if: true)").join(" ")} }`);
    expect(body.errors![0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "directives", maximum: 10, actual: 11 });
  });

  it("counts a connection's page size from variables on every request", async () => {
    const query =
      "query($n: Int) { smsConversations(first: $n) { edges { node { messages(first: 100) { edges { node { id body sender createdAt kind } } } } } } }";
    const small = await ask(query, { n: 5 });
    expect(small.body.errors).toBeUndefined();
    const large = await ask(query, { n: 100 });
    expect(large.body.errors![0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "cost" });
  });

  it("answers 200 to a client that accepts only application/json, with the same error", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", authorization: account.apiKey },
      body: JSON.stringify({ query: FAN_OUT }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
      "OPERATION_LIMIT_EXCEEDED",
    );
  });

  it("answers an unauthenticated request UNAUTHENTICATED whatever its operation", async () => {
    const { status, body } = await ask(FAN_OUT, undefined, null);
    expect(status).toBe(401);
    expect(body.errors!.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
  });

  it("checks the limits of GET queries too", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql?query=${encodeURIComponent(FAN_OUT)}`, {
      headers: { "apollo-require-preflight": "true", authorization: account.apiKey, accept: "application/graphql-response+json" },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
      "OPERATION_LIMIT_EXCEEDED",
    );
  });
});

describe("operation limits (configured)", () => {
  let tight: Harness;
  let key: string;
  beforeAll(async () => {
    tight = await startHarness({
      runWorker: false,
      config: { limits: { ...DEFAULT_OPERATION_LIMITS, maxDepth: 4, maxCost: 50, maxTokens: 30 } },
    });
    key = (await tight.createAccount()).apiKey;
  });
  afterAll(() => tight.close());

  it("takes each limit from the configuration", async () => {
    const depth = await tight.graphql("{ smsConversations(first: 1) { edges { node { agent { id } } } } }", undefined, { apiKey: key });
    expect(depth.body.errors![0].extensions).toMatchObject({ limit: "depth", maximum: 4, actual: 5 });
    const tokens = await tight.graphql(`{ ${"__typename ".repeat(31)} }`, undefined, { apiKey: key });
    expect(tokens.body.errors![0].extensions).toMatchObject({ limit: "tokens", maximum: 30 });
    const cost = await tight.graphql("{ agentNumbers(first: 30) { edges { node { id } } } }", undefined, { apiKey: key });
    expect(cost.body.errors?.[0].extensions).toMatchObject({ limit: "cost", maximum: 50 });
  });
});

describe("field suggestions", () => {
  it("are given in development and never in production", async () => {
    const { body: development } = await ask('{ smsConversationz(id: "x") { id } }');
    expect(development.errors![0].message).toMatch(/Did you mean/);

    const production = await startHarness({ runWorker: false, nodeEnv: "production", introspection: false });
    try {
      const other = await production.createAccount();
      const { body } = await production.graphql('{ smsConversationz(id: "x") { id } smsConversation(id: "x") { statuz } }', undefined, {
        apiKey: other.apiKey,
      });
      expect(body.errors).toHaveLength(2);
      for (const error of body.errors!) expect(error.message).not.toMatch(/Did you mean|smsConversation"|status/);
    } finally {
      await production.close();
    }
  });
});

describe("execution deadline", () => {
  let slow: Harness;
  let owner: TestAccount;
  beforeAll(async () => {
    slow = await startHarness({ runWorker: false, config: { limits: { ...DEFAULT_OPERATION_LIMITS, timeoutMs: 300 } } });
    owner = await slow.createAccount();
  });
  afterAll(() => slow.close());

  it("answers an operation still running after GRAPHQL_TIMEOUT_MS with 504 OPERATION_TIMEOUT, and keeps serving", async () => {
    const userNumber = randomNumber();
    const input = { userNumber, agentNumber: owner.agentNumbers[0], message: "first" };
    // The conversation exists (written through the service: setting up is not what the deadline is about).
    expect(await slow.parley.services.conversations.recordMessage(owner.id, input)).toMatchObject({ ok: true });

    // Another session holds the conversation's row: the next message for the pair waits on it.
    const locker = await slow.db.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM sms_conversation WHERE user_number = $1 FOR UPDATE", [userNumber]);
      const started = Date.now();
      const { status, body } = await slow.graphql(
        CREATE,
        { input: { ...input, message: "second", sender: "AGENT", timeOut: 60 } },
        { apiKey: owner.apiKey },
      );
      expect(status).toBe(504);
      expect(body.errors![0]).toMatchObject({ extensions: { code: "OPERATION_TIMEOUT" }, message: expect.stringContaining("300 ms") });
      expect(Date.now() - started).toBeLessThan(3_000);
      const other = await slow.graphql("{ __typename }", undefined, { apiKey: owner.apiKey });
      expect(other.body).toEqual({ data: { __typename: "Query" } });
    } finally {
      await locker.query("ROLLBACK");
      locker.release();
    }
  });
});
