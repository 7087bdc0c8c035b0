import { type Harness, startHarness } from "./support/harness";

describe("HTTP surface (development)", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, nodeEnv: "development" });
  });
  afterAll(() => harness.close());

  it("GET /healthz answers while the process is up", async () => {
    const response = await fetch(`${harness.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz answers 200 when the database is reachable", async () => {
    const response = await fetch(`${harness.baseUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  it("serves Apollo Sandbox at GET /graphql to a browser", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  it("answers introspection", async () => {
    const { body } = await harness.graphql("{ __schema { mutationType { name } } }");
    expect(body.data).toEqual({ __schema: { mutationType: { name: "Mutation" } } });
  });

  it("answers a malformed JSON body with a GraphQL-shaped 400 and a request id", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toEqual({
      errors: [{ message: "The request body is not valid JSON.", extensions: { code: "BAD_REQUEST", requestId: response.headers.get("x-request-id") } }],
    });
  });

  it("answers an oversized body with 413 and no stack trace", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", padding: "x".repeat(300 * 1024) }),
    });
    expect(response.status).toBe(413);
    const text = await response.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe("BAD_REQUEST");
    expect(text).not.toMatch(/at .*\.js|node_modules/);
  });

  it("echoes a safe x-request-id and invents one otherwise", async () => {
    const echoed = await fetch(`${harness.baseUrl}/healthz`, { headers: { "x-request-id": "req-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("req-123");
    const invented = await fetch(`${harness.baseUrl}/healthz`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(invented.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("HTTP surface (production)", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, nodeEnv: "production", introspection: false });
  });
  afterAll(() => harness.close());

  it("serves no Sandbox", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql`, { headers: { accept: "text/html" } });
    expect(await response.text()).not.toMatch(/sandbox/i);
  });

  it("refuses introspection", async () => {
    const { body } = await harness.graphql("{ __schema { mutationType { name } } }");
    expect(body.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("GET /readyz answers 503 once the database is gone", async () => {
    await harness.parley.database.dataSource.destroy();
    const response = await fetch(`${harness.baseUrl}/readyz`);
    expect(response.status).toBe(503);
    await harness.parley.database.dataSource.initialize();
  });
});
