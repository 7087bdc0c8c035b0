import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import type { ApolloServer } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import { INTERNAL_ERROR_MESSAGE } from "../src/http/graphql/error-masking";
import { createGraphQLHandler } from "../src/http/graphql/graphql-handler";
import type { OperationGate } from "../src/http/limits/operation-gate";
import type { RequestGate } from "../src/http/limits/request-gate";
import type { Context } from "../src/resolvers/context.type";
import type { Services } from "../src/services/services";
import { capturedLogger } from "./support/captured-logger";
import { type Harness, startHarness, type TestAccount } from "./support/harness";

/** Until the access-log line, written once the response is sent, is in. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("HTTP surface (development)", () => {
  let harness: Harness;
  let account: TestAccount;
  const logs = capturedLogger();
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, nodeEnv: "development", logger: logs.logger });
    account = await harness.createAccount();
  });
  afterAll(() => harness.close());
  const post = (body: string | Buffer, headers: Record<string, string> = { "content-type": "application/json" }, path = "/graphql") =>
    fetch(`${harness.baseUrl}${path}`, { method: "POST", headers: { authorization: account.apiKey, ...headers }, body });

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
    const { body } = await harness.graphql("{ __schema { mutationType { name } } }", undefined, { apiKey: account.apiKey });
    expect(body.data).toEqual({ __schema: { mutationType: { name: "Mutation" } } });
  });

  it("answers a malformed JSON body with a GraphQL-shaped 400 and a request id", async () => {
    const response = await post("{not json");
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toEqual({
      errors: [
        {
          message: "The request body is not valid JSON.",
          extensions: { code: "BAD_REQUEST", requestId: response.headers.get("x-request-id") },
        },
      ],
    });
  });

  it("answers an oversized body with 413 and no stack trace", async () => {
    const response = await post(JSON.stringify({ query: "{ __typename }", padding: "x".repeat(300 * 1024) }));
    expect(response.status).toBe(413);
    const text = await response.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe("BAD_REQUEST");
    expect(text).not.toMatch(/at .*\.js|node_modules/);
  });

  it("accepts a body of exactly the limit and refuses one byte more with the limit in the message", async () => {
    const atLimit = JSON.stringify({ query: "{ __typename }", pad: "x".repeat(256 * 1024 - 35) });
    expect(Buffer.byteLength(atLimit)).toBe(256 * 1024);
    const accepted = await post(atLimit);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ data: { __typename: "Query" } });

    const refused = await post(`${atLimit} `);
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual({
      errors: [
        {
          message: "The request body is larger than 256kb.",
          extensions: { code: "BAD_REQUEST", requestId: refused.headers.get("x-request-id") },
        },
      ],
    });
  });

  it("reads JSON bodies whatever the case of the content type, with a UTF-8 or UTF-16 charset, gzip-compressed or not", async () => {
    const query = JSON.stringify({ query: "{ __typename }" });
    for (const response of [
      await post(query, { "content-type": "Application/JSON; Charset=UTF-8" }),
      await post(`\uFEFF${query}`),
      await post(Buffer.from(query, "utf16le"), { "content-type": "application/json; charset=utf-16le" }),
      await post(gzipSync(query), { "content-type": "application/json", "content-encoding": "gzip" }),
    ]) {
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { __typename: "Query" } });
    }
  });

  it("answers bodies it cannot read with GraphQL-shaped errors", async () => {
    const query = JSON.stringify({ query: "{ __typename }" });
    const cases: Array<[Response, number, string]> = [
      [await post(query, { "content-type": "application/json; charset=latin1" }), 415, "The request could not be read."],
      [await post(query, { "content-type": "application/json", "content-encoding": "compress" }), 415, "The request could not be read."],
      [await post(query, { "content-type": "application/json", "content-encoding": "gzip" }), 400, "The request could not be read."],
      // express.json's strict mode: only objects and arrays.
      [await post('"{ __typename }"'), 400, "The request body is not valid JSON."],
    ];
    for (const [response, status, message] of cases) {
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({
        errors: [{ message, extensions: { code: "BAD_REQUEST", requestId: response.headers.get("x-request-id") } }],
      });
    }
  });

  it("answers a CORS preflight of /graphql with 204 and the allow headers", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,authorization",
      },
    });
    expect(response.status).toBe(204);
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("access-control-") || name === "vary"))).toEqual({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
      "access-control-allow-headers": "content-type,authorization",
      "access-control-expose-headers": "x-request-id",
      vary: "Access-Control-Request-Headers",
    });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toBe("");
  });

  it("answers /graphql with CORS headers and the caller's x-request-id, and logs one access line without headers", async () => {
    logs.clear();
    const response = await post(JSON.stringify({ query: "{ __typename }" }), {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      origin: "https://app.example",
      authorization: `Bearer ${account.apiKey}`,
      "x-request-id": "req-graphql-1",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/graphql-response+json; charset=utf-8");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-expose-headers")).toBe("x-request-id");
    expect(response.headers.get("x-request-id")).toBe("req-graphql-1");
    expect(await response.json()).toEqual({ data: { __typename: "Query" } });
    await settle();
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 30,
        msg: "request completed",
        req: { id: "req-graphql-1", method: "POST", url: "/graphql" },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(logs.text()).not.toContain(account.apiKey);
    expect(logs.text()).not.toMatch(/authorization|headers/i);
  });

  it("access-logs refused requests without a valid key once per interval, with a count of the rest", async () => {
    logs.clear();
    for (let i = 0; i < 5; i++)
      await fetch(`${harness.baseUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await settle();
    const refusals = logs.lines().filter((line) => line.res?.statusCode === 401);
    expect(refusals).toHaveLength(1);
  });

  it("access-logs a path it does not serve without the path, which is the caller's text", async () => {
    logs.clear();
    await fetch(`${harness.baseUrl}/%2B15550001111/a-message-body`, { headers: { "x-request-id": "req-other" } });
    await settle();
    expect(logs.lines()).toEqual([
      expect.objectContaining({ req: { id: "req-other", method: "GET", url: "[other path]" }, res: { statusCode: 404 } }),
    ]);
    expect(logs.text()).not.toMatch(/15550001111|a-message-body/);
  });

  it("access-logs every request but the probes", async () => {
    logs.clear();
    await fetch(`${harness.baseUrl}/healthz`);
    await fetch(`${harness.baseUrl}/readyz`);
    await fetch(`${harness.baseUrl}/nope`, { headers: { "x-request-id": "req-404" } });
    await settle();
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        msg: "request completed",
        req: { id: "req-404", method: "GET", url: "[other path]" },
        res: { statusCode: 404 },
      }),
    ]);
  });

  it("masks a failure to authenticate as INTERNAL_SERVER_ERROR with the request id, and logs it", async () => {
    const key = "prl_" + "A".repeat(43);
    const identify = jest.spyOn(harness.parley.services.apiKeys, "identify").mockRejectedValueOnce(new Error("lookup broke"));
    logs.clear();
    try {
      const { status, headers, body } = await harness.graphql("{ __typename }", undefined, { apiKey: key });
      expect(status).toBe(500);
      expect(body.errors).toEqual([
        { message: INTERNAL_ERROR_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR", requestId: headers.get("x-request-id") } },
      ]);
      await settle();
      const requestId = headers.get("x-request-id");
      expect(logs.lines()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            level: 50,
            msg: "authentication failed",
            requestId,
            req: { id: requestId, method: "POST", url: "/graphql" },
          }),
          expect.objectContaining({ msg: "request errored", res: { statusCode: 500 } }),
        ]),
      );
      expect(logs.text()).not.toContain(key);
    } finally {
      identify.mockRestore();
    }
  });

  it("logs an unexpected resolver error once, with the request's id, and answers it masked", async () => {
    const create = jest.spyOn(harness.parley.services.conversations, "recordMessage").mockRejectedValueOnce(new Error("disk on fire"));
    logs.clear();
    try {
      const { headers, body } = await harness.graphql(
        "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId } }",
        { input: { userNumber: "+15550001111", agentNumber: account.agentNumbers[0], message: "hi" } },
        { apiKey: account.apiKey },
      );
      const requestId = headers.get("x-request-id");
      expect(body.errors).toEqual([
        expect.objectContaining({ message: INTERNAL_ERROR_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } }),
      ]);
      expect(JSON.stringify(body)).not.toMatch(/disk on fire/);
      await settle();
      const errors = logs.lines().filter((line) => line.msg === "unexpected error");
      expect(errors).toEqual([
        expect.objectContaining({
          level: 50,
          requestId,
          req: { id: requestId, method: "POST", url: "/graphql" },
          err: expect.objectContaining({ message: "disk on fire" }),
        }),
      ]);
    } finally {
      create.mockRestore();
    }
  });

  it("logs every unexpected error's request id, the stack once per kind and interval", async () => {
    class DiskError extends Error {
      override name = "DiskError";
    }
    const create = jest.spyOn(harness.parley.services.conversations, "recordMessage").mockRejectedValue(new DiskError("disk on fire"));
    logs.clear();
    try {
      const requestIds = [];
      for (let i = 0; i < 3; i++) {
        const { headers } = await harness.graphql(
          "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId } }",
          { input: { userNumber: "+15550001111", agentNumber: account.agentNumbers[0], message: "hi" } },
          { apiKey: account.apiKey },
        );
        requestIds.push(headers.get("x-request-id"));
      }
      await settle();
      const errors = logs.lines().filter((line) => typeof line.msg === "string" && line.msg.startsWith("unexpected error"));
      expect(errors.map((line) => line.requestId)).toEqual(requestIds);
      expect(errors.filter((line) => line.err?.stack)).toHaveLength(1);
      expect(errors.slice(1)).toEqual([
        expect.objectContaining({ msg: "unexpected error (as logged in full before)", kind: "DiskError:" }),
        expect.objectContaining({ msg: "unexpected error (as logged in full before)", kind: "DiskError:" }),
      ]);
    } finally {
      create.mockRestore();
    }
  });

  it("answers a GET query with an ETag, and 304 when the client already has it", async () => {
    const url = `${harness.baseUrl}/graphql?query=${encodeURIComponent("{ __typename }")}`;
    const first = await fetch(url, { headers: { "apollo-require-preflight": "true", authorization: account.apiKey } });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ data: { __typename: "Query" } });
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"/);
    // fetch would add `cache-control: no-cache` to a conditional request, which asks for a 200.
    const again = await fetch(url, {
      headers: { "apollo-require-preflight": "true", authorization: account.apiKey, "if-none-match": etag!, "cache-control": "max-age=0" },
    });
    expect(again.status).toBe(304);
  });

  it("answers persisted-query requests PERSISTED_QUERY_NOT_SUPPORTED: the gate must see every operation's text", async () => {
    const hashOnly = { extensions: { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } } };
    const mismatched = { query: "{ __typename }", ...hashOnly };
    for (const body of [hashOnly, mismatched]) {
      const response = await post(JSON.stringify(body));
      const answer = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(answer.errors.map((error) => error.extensions.code)).toEqual(["PERSISTED_QUERY_NOT_SUPPORTED"]);
    }
  });

  it("answers a subscription sent over HTTP with 400 BAD_REQUEST pointing to WebSocket", async () => {
    const { status, body } = await harness.graphql("subscription { smsMessageAdded { body } }", undefined, { apiKey: account.apiKey });
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining("WebSocket"), extensions: { code: "BAD_REQUEST" } }),
    ]);
  });

  it("answers every path under /graphql, in any case, as Express's mount did", async () => {
    const query = JSON.stringify({ query: "{ __typename }" });
    for (const path of ["/GraphQL", "/graphql/", "/graphql?operationName=x"]) {
      const response = await post(query, { "content-type": "application/json" }, path);
      expect(response.status).toBe(200);
    }
    expect((await post(query, { "content-type": "application/json" }, "/graphqlx")).status).toBe(404);
  });

  it("echoes a safe x-request-id and invents one otherwise", async () => {
    const echoed = await fetch(`${harness.baseUrl}/healthz`, { headers: { "x-request-id": "req-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("req-123");
    const invented = await fetch(`${harness.baseUrl}/healthz`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(invented.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const onGraphQL = await post(JSON.stringify({ query: "{ __typename }" }), {
      "content-type": "application/json",
      "x-request-id": "bad id with spaces",
    });
    expect(onGraphQL.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** The paths Apollo rarely takes: it throws, or streams an incremental (multipart) response. */
describe("GraphQL handler around Apollo", () => {
  const ACCOUNT = "00000000-0000-0000-0000-000000000001";
  const logs = capturedLogger();
  let server: http.Server;
  let baseUrl: string;
  let execute: jest.Mock;
  beforeAll(async () => {
    execute = jest.fn();
    const apollo = { executeHTTPGraphQLRequest: execute } as unknown as ApolloServer<Context>;
    // Every request is let through: what is under test is the handler's side of Apollo.
    const gate = {
      authenticate: async () => ({ ok: true, identity: { accountId: ACCOUNT, keyId: ACCOUNT } }),
    } as unknown as RequestGate;
    const operations = { admit: async () => ({ ok: true, cost: 1, budget: null }) } as unknown as OperationGate;
    server = http.createServer(createGraphQLHandler({ apollo, services: {} as Services, logger: logs.logger, gate, operations }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const post = () =>
    fetch(`${baseUrl}/graphql?x=1`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ a }"}' });

  it("hands Apollo the method, headers, query string and parsed body", async () => {
    execute.mockResolvedValueOnce({
      status: 200,
      headers: new HeaderMap([["content-type", "application/json; charset=utf-8"]]),
      body: { kind: "complete", string: "{}" },
    });
    await post();
    const { httpGraphQLRequest } = execute.mock.calls.at(-1)[0];
    expect(httpGraphQLRequest).toMatchObject({ method: "POST", search: "?x=1", body: { query: "{ a }" } });
    expect(httpGraphQLRequest.headers.get("content-type")).toBe("application/json");
  });

  it("answers 500 with the masked error when Apollo throws, and logs the error", async () => {
    execute.mockRejectedValueOnce(new Error("apollo broke"));
    logs.clear();
    const response = await post();
    expect(response.status).toBe(500);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({
      errors: [
        { message: INTERNAL_ERROR_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR", requestId: response.headers.get("x-request-id") } },
      ],
    });
    await settle();
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 50, msg: "unexpected HTTP error", err: expect.objectContaining({ message: "apollo broke" }) }),
      expect.objectContaining({ level: 30, msg: "request errored", res: { statusCode: 500 } }),
    ]);
  });

  it("streams a chunked response as Apollo yields it", async () => {
    async function* parts() {
      yield "\r\n---\r\nfirst";
      yield "\r\n---\r\nsecond\r\n-----\r\n";
    }
    execute.mockResolvedValueOnce({
      status: 200,
      headers: new HeaderMap([["content-type", 'multipart/mixed; boundary="-"; deferSpec=20220824']]),
      body: { kind: "chunked", asyncIterator: parts() },
    });
    const response = await post();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.text()).toBe("\r\n---\r\nfirst\r\n---\r\nsecond\r\n-----\r\n");
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
    const account = await harness.createAccount();
    const { body } = await harness.graphql("{ __schema { mutationType { name } } }", undefined, { apiKey: account.apiKey });
    expect(body.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("GET /readyz answers 503 once the database is gone", async () => {
    await harness.parley.database.dataSource.destroy();
    const response = await fetch(`${harness.baseUrl}/readyz`);
    expect(response.status).toBe(503);
    await harness.parley.database.dataSource.initialize();
  });
});

describe("a request that trickles in", () => {
  it("is answered 408 and cut off once HTTP_REQUEST_TIMEOUT_MS have passed, with a key or without", async () => {
    const harness = await startHarness({ runWorker: false, config: { httpRequestTimeoutMs: 500 } });
    try {
      const account = await harness.createAccount();
      const { port } = new URL(harness.baseUrl);
      const socket = net.connect(Number(port), "127.0.0.1");
      const answer = new Promise<string>((resolve) => {
        let text = "";
        socket.on("data", (chunk) => (text += chunk.toString()));
        socket.on("close", () => resolve(text));
      });
      socket.write(
        `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: ${account.apiKey}\r\ncontent-length: 100\r\n\r\n{"query":`,
      );
      const startedAt = Date.now();
      expect(await answer).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      const { body } = await harness.graphql("{ __typename }", undefined, { apiKey: account.apiKey });
      expect(body).toEqual({ data: { __typename: "Query" } });
    } finally {
      await harness.close();
    }
  });
});
