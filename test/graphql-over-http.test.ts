import { Writable } from "node:stream";
import { serverAudits } from "graphql-http";
import pino from "pino";
import { type Harness, startHarness } from "./support/harness";

/** GET requests: Apollo's CSRF prevention refuses simple GETs (no preflight-forcing header). */
const ALLOWED_NOTICES = new Set(["5A70", "D6D5", "6A70"]);

describe("GraphQL-over-HTTP conformance", () => {
  let harness: Harness;
  let apiKey: string;
  let logs = "";
  const results: Array<{ id: string; name: string; status: string; reason?: string }> = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    harness = await startHarness({ runWorker: false, logger: pino({ level: "info" }, sink) });
    apiKey = (await harness.createAccount()).apiKey;
    // The audits' requests as an authenticated client sends them.
    const fetchFn = (input: string | URL | Request, init: RequestInit = {}) =>
      fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), authorization: apiKey } });
    for (const audit of serverAudits({ url: `${harness.baseUrl}/graphql`, fetchFn })) {
      const result = await audit.fn();
      results.push({ id: audit.id, name: audit.name, status: result.status, reason: "reason" in result ? result.reason : undefined });
    }
  });
  afterAll(() => harness.close());

  it("passes every MUST audit of graphql-http's serverAudits", () => {
    const must = results.filter((result) => result.name.startsWith("MUST"));
    expect(must.length).toBeGreaterThan(10);
    expect(must.filter((result) => result.status !== "ok")).toEqual([]);
  });

  it("passes every SHOULD audit", () => {
    const should = results.filter((result) => result.name.startsWith("SHOULD"));
    expect(should.length).toBeGreaterThan(10);
    expect(should.filter((result) => result.status !== "ok")).toEqual([]);
  });

  it("misses only the MAY audits of GET requests, which CSRF prevention refuses", () => {
    expect(results.filter((result) => result.status !== "ok").map((result) => result.id)).toEqual([...ALLOWED_NOTICES]);
    expect(results.filter((result) => result.status === "ok").length).toBeGreaterThanOrEqual(58);
  });

  it.each([
    ["invalid JSON", { "content-type": "application/json" }, "{not json", 400],
    ["a content type that is not JSON", { "content-type": "text/plain" }, '{"query":"{ __typename }"}', 400],
    [
      "an oversized body",
      { "content-type": "application/json" },
      JSON.stringify({ query: "{ __typename }", pad: "x".repeat(300_000) }),
      413,
    ],
    ["a body without a query", { "content-type": "application/json" }, "{}", 400],
  ])("answers %s with a GraphQL error body, and logs no stack trace", async (_name, headers, body, status) => {
    logs = "";
    const response = await fetch(`${harness.baseUrl}/graphql`, { method: "POST", headers: { ...headers, authorization: apiKey }, body });
    expect(response.status).toBe(status);
    const json = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(json.errors).toHaveLength(1);
    expect(json.errors[0].extensions.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(json)).not.toMatch(/\n\s+at |node_modules/);
    expect(logs).not.toMatch(/"stack"|\\n\s+at /);
  });

  it("answers 400 to graphql-response+json clients and 200 to application/json clients for an invalid document", async () => {
    for (const [accept, status] of [
      ["application/graphql-response+json", 400],
      ["application/json", 200],
    ] as const) {
      const response = await fetch(`${harness.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept, authorization: apiKey },
        body: JSON.stringify({ query: "{ notAField }" }),
      });
      expect(response.status).toBe(status);
      expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
        "GRAPHQL_VALIDATION_FAILED",
      );
    }
  });
});
