import { parsePublicId } from "../src/services/shared/public-id";
import { MAX_OPERATION_NAMES } from "../src/metrics/metrics";
import { type Harness, startHarness, type TestAccount } from "./support/harness";
import { eventually } from "./support/eventually";
import { CREATE } from "./support/operations";

/*
 * GET /metrics of a real Parley (API and worker in one process) after real traffic: the
 * operation histogram by name and outcome, HTTP requests by route, refusals, the job queue, the
 * timers' lateness, jobs, pools; and where /metrics is served (METRICS, METRICS_PORT,
 * METRICS_TOKEN, production).
 */

jest.setTimeout(60_000);

/** The samples of an exposition text, by series (`name{labels}`). */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    found.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return found;
}

async function scrape(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text() };
}

const RENAMED_CREATE = CREATE.replace("mutation Create(", "mutation CreateConversation(");

describe("GET /metrics after real traffic", () => {
  let harness: Harness;
  let account: TestAccount;

  beforeAll(async () => {
    harness = await startHarness({ runWorker: true });
    account = await harness.createAccount({ smsConfig: { timeOut: 1 } });
  });
  afterAll(() => harness.close());

  it("holds the operation histogram by name and outcome, HTTP requests, refusals, timers, jobs, the queue and the pools", async () => {
    const input = { userNumber: "+15555550123", agentNumber: account.agentNumbers[0], message: "Hello", sender: "AGENT" };
    const created = await harness.graphql(RENAMED_CREATE, { input }, { apiKey: account.apiKey });
    expect(created.body.data?.createSmsConversation.userErrors).toEqual([]);
    const refused = await harness.graphql(RENAMED_CREATE, { input: { ...input, warningTime: 5 } }, { apiKey: account.apiKey });
    expect(refused.body.data?.createSmsConversation.userErrors).toEqual([expect.objectContaining({ code: "INVALID_TIMEOUT_CONFIG" })]);
    const invalid = await harness.graphql("query Broken { noSuchField }", {}, { apiKey: account.apiKey });
    expect(invalid.status).toBe(400);
    const unauthenticated = await harness.graphql("query Who { __typename }", {}, { apiKey: null });
    expect(unauthenticated.status).toBe(401);

    // The AGENT message's 1 s timer fires: the conversation times out.
    const conversationId = parsePublicId("conversation", created.body.data!.createSmsConversation.conversationId as string);
    await eventually(
      async () => {
        const { rows } = await harness.db.query("SELECT status FROM sms_conversation WHERE id = $1", [conversationId]);
        expect(rows).toEqual([{ status: "TIMED_OUT" }]);
      },
      { timeoutMs: 15_000 },
    );

    // The job is counted once its task has returned, just after the transaction that timed the
    // conversation out has committed.
    const timerJobDone = 'parley_job_duration_seconds_count{task="conversation.timer",outcome="ok"}';
    const { status, contentType, text } = await eventually(async () => {
      const scraped = await scrape(`${harness.baseUrl}/metrics`);
      expect(samples(scraped.text).get(timerJobDone)).toBe(1);
      return scraped;
    });
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const metric = samples(text);
    const operation = (labels: string) => metric.get(`parley_graphql_operation_duration_seconds_count{${labels}}`);
    expect(operation('operation="CreateConversation",type="mutation",outcome="ok"')).toBe(1);
    expect(operation('operation="CreateConversation",type="mutation",outcome="user_error"')).toBe(1);
    // A document that does not validate never names a label: its name is the caller's.
    expect(operation('operation="none",type="none",outcome="GRAPHQL_VALIDATION_FAILED"')).toBe(1);
    expect(text).not.toContain('operation="Broken"');
    expect(metric.get('parley_http_request_duration_seconds_count{method="POST",route="/graphql",status="200"}')).toBe(2);
    expect(metric.get('parley_http_request_duration_seconds_count{method="POST",route="/graphql",status="401"}')).toBe(1);
    expect(metric.get('parley_refusals_total{code="UNAUTHENTICATED",limit="key"}')).toBe(1);
    expect(metric.get("parley_timer_lateness_seconds_count")).toBe(1);
    expect(metric.get("parley_timer_lateness_seconds_sum")).toBeLessThan(5);
    expect(metric.get(timerJobDone)).toBe(1);
    expect(metric.get("parley_jobs_due")).toBe(0);
    expect(metric.get("parley_jobs_oldest_due_age_seconds")).toBe(0);
    expect(metric.get("parley_workflow_outbox_rows")).toBe(0);
    expect(metric.get("parley_subscriptions_open")).toBe(0);
    expect(metric.get('parley_db_pool_in_use_connections{pool="main"}')).toBeGreaterThanOrEqual(0);
    expect(metric.get('parley_db_pool_waiting_clients{pool="worker"}')).toBe(0);
    expect(metric.get("process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(metric.has("nodejs_eventloop_lag_p99_seconds")).toBe(true);
    // No phone number, body or key reached a label.
    expect(text).not.toMatch(/\+1555|Hello|prl_/);
    // Routes are patterns, never the paths as asked for.
    expect(
      [...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1]).every((route) => ["/graphql", "/metrics", "other"].includes(route)),
    ).toBe(true);
  });

  it("counts the jobs waiting past their time and how long the oldest has waited", async () => {
    const stopped = await startHarness({ runWorker: false });
    try {
      await stopped.db.query("SELECT graphile_worker.add_job('conversation.timer', '{}', run_at := now() - interval '30 seconds')");
      await stopped.db.query("SELECT graphile_worker.add_job('conversation.timer', '{}', run_at := now() + interval '1 hour')");
      const metric = samples((await scrape(`${stopped.baseUrl}/metrics`)).text);
      expect(metric.get("parley_jobs_due")).toBe(1);
      expect(metric.get("parley_jobs_oldest_due_age_seconds")).toBeGreaterThanOrEqual(30);
      expect(metric.get("parley_jobs_scheduled")).toBe(1);
    } finally {
      await stopped.close();
    }
  });

  it(`labels at most ${MAX_OPERATION_NAMES} distinct operation names; later ones are "other"`, async () => {
    for (let i = 0; i < MAX_OPERATION_NAMES + 5; i++) {
      const { status } = await harness.graphql(`query Made${i} { __typename }`, {}, { apiKey: account.apiKey });
      expect(status).toBe(200);
    }
    const { text } = await scrape(`${harness.baseUrl}/metrics`);
    const names = new Set(
      [...text.matchAll(/parley_graphql_operation_duration_seconds_count\{operation="([^"]+)"/g)].map((match) => match[1]),
    );
    // CreateConversation took one of the slots (`none` and `anonymous` are not names).
    expect([...names].filter((name) => name.startsWith("Made"))).toHaveLength(MAX_OPERATION_NAMES - 1);
    expect(samples(text).get('parley_graphql_operation_duration_seconds_count{operation="other",type="query",outcome="ok"}')).toBe(6);
  });
});

describe("where /metrics is served", () => {
  it("nowhere with METRICS=false", async () => {
    const harness = await startHarness({ config: { metrics: { enabled: false, port: undefined, token: undefined } } });
    try {
      expect((await scrape(`${harness.baseUrl}/metrics`)).status).toBe(404);
      expect(harness.parley.metrics).toBeUndefined();
    } finally {
      await harness.close();
    }
  });

  it("not on the public port in production without METRICS_PORT or METRICS_TOKEN", async () => {
    const harness = await startHarness({
      nodeEnv: "production",
      config: { metrics: { enabled: true, port: undefined, token: undefined } },
    });
    try {
      expect((await scrape(`${harness.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await harness.close();
    }
  });

  it("with METRICS_TOKEN, only to a request bearing it", async () => {
    const token = "s3cret-metrics-token-0123456789";
    const harness = await startHarness({ nodeEnv: "production", config: { metrics: { enabled: true, port: undefined, token } } });
    try {
      const anonymous = await scrape(`${harness.baseUrl}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.text).not.toContain("parley_");
      expect((await scrape(`${harness.baseUrl}/metrics`, { authorization: "Bearer wrong-token-of-the-same-size" })).status).toBe(401);
      const allowed = await scrape(`${harness.baseUrl}/metrics`, { authorization: `Bearer ${token}` });
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain("parley_http_request_duration_seconds");
    } finally {
      await harness.close();
    }
  });

  it("with METRICS_PORT, on that port alone", async () => {
    const harness = await startHarness({ nodeEnv: "production", config: { metrics: { enabled: true, port: 0, token: undefined } } });
    try {
      expect(harness.parley.metricsPort).toEqual(expect.any(Number));
      expect((await scrape(`${harness.baseUrl}/metrics`)).status).toBe(404);
      const served = await scrape(`http://127.0.0.1:${harness.parley.metricsPort}/metrics`);
      expect(served.status).toBe(200);
      expect(served.text).toContain("parley_jobs_due");
      expect((await scrape(`http://127.0.0.1:${harness.parley.metricsPort}/graphql`)).status).toBe(404);
    } finally {
      await harness.close();
    }
  });
});
