import { compileQuery } from "graphql-jit";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";

// The real graphql-jit, its compileQuery counted.
jest.mock("graphql-jit", () => {
  const actual = jest.requireActual("graphql-jit");
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});

describe("operations run compiled (graphql-jit)", () => {
  let harness: Harness;
  let account: TestAccount;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false });
    account = await harness.createAccount();
  });
  afterAll(() => harness.close());

  it("compiles an operation once, however often it is sent, and answers each request from the compiled code", async () => {
    const compile = jest.mocked(compileQuery);
    compile.mockClear();
    for (let i = 0; i < 5; i++) {
      const { body } = await harness.graphql(
        CREATE,
        { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: `m${i}` } },
        { apiKey: account.apiKey },
      );
      expect(body.data!.createSmsConversation.userErrors).toEqual([]);
    }
    expect(compile).toHaveBeenCalledTimes(1);
    const { rows } = await harness.db.query("SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id]);
    expect(rows[0].n).toBe(5);
  });
});

describe("an operationName the document does not define", () => {
  let harness: Harness;
  let apiKey: string;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, nodeEnv: "production" });
    apiKey = (await harness.createAccount()).apiKey;
  });
  afterAll(() => harness.close());

  it.each(["B", "", "\u0000\uD800"])(
    "is a 400 OPERATION_RESOLUTION_FAILURE, as graphql-js answers it, not an internal error (%j)",
    async (operationName) => {
      const response = await fetch(`${harness.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: apiKey },
        body: JSON.stringify({ query: "query A { __typename }", operationName }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ message: expect.stringMatching(/^Unknown operation named/), extensions: { code: "OPERATION_RESOLUTION_FAILURE" } }],
      });
    },
  );

  it("is a 400 OPERATION_RESOLUTION_FAILURE when the document has several operations and none is named", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: apiKey },
      body: JSON.stringify({ query: "query A { __typename } query B { __typename }" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: "Must provide operation name if query contains multiple operations.",
          extensions: { code: "OPERATION_RESOLUTION_FAILURE" },
        },
      ],
    });
  });
});
