import http from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "./support/free-port";
import { eventually } from "./support/eventually";
import { type Harness, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";
import { startGatewayProcess, type WorkerProcess } from "./support/worker-process";

/*
 * OpenTelemetry tracing of a real `npm start` process (the SDK patches http and pg as they load,
 * which jest's module registry would bypass: so a child process), exporting over OTLP/HTTP to a
 * receiver in this test: one trace holds the mutation's HTTP, GraphQL and pg spans, and the job
 * span of the timer it scheduled, run a second later in a trace of its own, links to it.
 */

jest.setTimeout(90_000);

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  links?: Array<{ traceId: string; spanId: string }>;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  scope: string;
}

/** An OTLP/HTTP receiver: POST /v1/traces, JSON bodies decoded, other bodies kept by content type. */
async function startReceiver() {
  const spans: Span[] = [];
  const contentTypes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      contentTypes.push(`${req.method} ${req.url} ${req.headers["content-type"]} ${chunks.length > 0 ? "body" : "empty"}`);
      if (req.url === "/v1/traces" && req.headers["content-type"]?.startsWith("application/json")) {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        for (const resource of body.resourceSpans ?? [])
          for (const scope of resource.scopeSpans ?? [])
            for (const span of scope.spans ?? []) spans.push({ ...span, scope: scope.scope?.name });
      }
      res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    spans,
    contentTypes,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  // The database and an account; the server is the child process.
  harness = await startHarness({ runWorker: false });
  account = await harness.createAccount({ smsConfig: { timeOut: 1 } });
});
afterAll(() => harness.close());

async function withTracedGateway(protocol: string, receiverUrl: string, run: (baseUrl: string, gateway: WorkerProcess) => Promise<void>) {
  const port = await freePort();
  const gateway = startGatewayProcess(harness.database.url, port, {
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  try {
    await gateway.ready;
    await run(`http://127.0.0.1:${port}`, gateway);
  } finally {
    await gateway.stop("SIGTERM");
  }
}

async function create(baseUrl: string, userNumber: string) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: account.apiKey },
    body: JSON.stringify({
      query: CREATE.replace("mutation Create(", "mutation CreateConversation("),
      variables: { input: { userNumber, agentNumber: account.agentNumbers[0], message: "Hi", sender: "AGENT" } },
    }),
  });
  const body = (await response.json()) as any;
  expect(body.data.createSmsConversation.userErrors).toEqual([]);
  return body.data.createSmsConversation;
}

describe("tracing (OTEL_TRACES_EXPORTER=otlp)", () => {
  it("one trace holds a mutation's HTTP, GraphQL, resolver and pg spans; its timer's job span, a trace of its own, links to it; logs carry the trace id", async () => {
    const receiver = await startReceiver();
    try {
      await withTracedGateway("http/json", receiver.url, async (baseUrl, gateway) => {
        const created = await create(baseUrl, "+15555550123");

        const { mutationTrace, job } = await eventually(
          async () => {
            const graphql = receiver.spans.find((span) => span.name === "mutation CreateConversation");
            expect(graphql).toBeDefined();
            const job = receiver.spans.find(
              (span) => span.name === "conversation.timer job" && span.links?.some((link) => link.traceId === graphql!.traceId),
            );
            expect(job).toBeDefined();
            return { mutationTrace: receiver.spans.filter((span) => span.traceId === graphql!.traceId), job: job! };
          },
          { timeoutMs: 20_000, intervalMs: 200 },
        );

        const byId = new Map(mutationTrace.map((span) => [span.spanId, span]));
        const server = mutationTrace.find((span) => span.kind === 2 && span.scope === "@opentelemetry/instrumentation-http");
        const operation = mutationTrace.find((span) => span.name === "mutation CreateConversation")!;
        const resolver = mutationTrace.find((span) => span.name === "resolve Mutation.createSmsConversation");
        expect(server).toBeDefined();
        expect(server!.parentSpanId || undefined).toBeUndefined();
        expect(operation.parentSpanId).toBe(server!.spanId);
        expect(resolver?.parentSpanId).toBe(operation.spanId);
        const statements = mutationTrace.filter((span) => span.scope === "@opentelemetry/instrumentation-pg");
        expect(statements.length).toBeGreaterThan(0);
        // The write statement runs under the resolver (the write path's batch keeps its caller's context).
        const ancestors = (span: Span): string[] =>
          span.parentSpanId && byId.has(span.parentSpanId) ? [span.parentSpanId, ...ancestors(byId.get(span.parentSpanId)!)] : [];
        expect(statements.some((span) => ancestors(span).includes(resolver!.spanId))).toBe(true);
        // Statements are recorded without their values.
        expect(JSON.stringify(mutationTrace)).not.toMatch(/\+1555|"Hi"|prl_/);

        // The timer ran a second later in a trace of its own, linked to the request that set it.
        expect(job.traceId).not.toBe(operation.traceId);
        expect(job.links).toEqual([expect.objectContaining({ traceId: operation.traceId, spanId: resolver!.spanId })]);
        const jobStatements = receiver.spans.filter(
          (span) => span.traceId === job.traceId && span.scope === "@opentelemetry/instrumentation-pg",
        );
        expect(jobStatements.length).toBeGreaterThan(0);
        const { rows } = await harness.db.query("SELECT status FROM sms_conversation WHERE 'conv_' || replace(id::text, '-', '') = $1", [
          created.conversationId,
        ]);
        expect(rows).toEqual([{ status: "TIMED_OUT" }]);

        // A log line written inside the request's spans carries its trace id.
        const lines = gateway
          .output()
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(lines.filter((line) => line.trace_id === operation.traceId).length).toBeGreaterThan(0);
        expect(lines.filter((line) => line.trace_id === job.traceId).length).toBeGreaterThan(0);
      });
    } finally {
      await receiver.close();
    }
  });

  it("exports OTLP over HTTP as protobuf with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", async () => {
    const receiver = await startReceiver();
    try {
      await withTracedGateway("http/protobuf", receiver.url, async (baseUrl) => {
        await create(baseUrl, "+15555550124");
        await eventually(async () => expect(receiver.contentTypes).toContain("POST /v1/traces application/x-protobuf body"), {
          timeoutMs: 15_000,
          intervalMs: 200,
        });
      });
    } finally {
      await receiver.close();
    }
  });
});
