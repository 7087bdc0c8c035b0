import "reflect-metadata";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/logging/logger";
import { startParley } from "../src/parley";
import { createBenchDatabase, percentile } from "./support/bench-database";

/*
 * How late do timers fire? Schedules TIMERS timeout timers due over SPREAD_S seconds (one
 * Parley process running API and worker, as `npm start` does, in production mode), waits for
 * all of them, and prints the lateness of each TIMEOUT_END message against its `timeoutAt`.
 *   npm run bench:timers     (TIMERS=1000 SPREAD_S=10 LEAD_S=20 WORKER_POLL_INTERVAL_MS=250)
 */
const TIMERS = Number(process.env.TIMERS ?? 1000);
const SPREAD_S = Number(process.env.SPREAD_S ?? 10);
const CLIENTS = 10;

async function main(): Promise<void> {
  const database = await createBenchDatabase("parley_bench_timers");
  // One key makes every request: its budget would measure the limit, not the timers.
  const config = {
    ...loadConfig({ ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", RATE_LIMIT_POINTS: "0" }),
    databaseUrl: database.url,
    port: 0,
  };
  const parley = await startParley({ config, logger: createLogger("warn") });
  try {
    const account = await parley.services.accounts.create("bench", ["+15555550100"]);
    const { apiKey } = await parley.services.apiKeys.create(account.id);
    const url = `http://127.0.0.1:${parley.port}/graphql`;
    const query =
      "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId conversation { timeoutAt } userErrors { message } } }";

    // Due times start after scheduling ends, so the API's load and the timers' do not overlap.
    const firstDue = Date.now() + Number(process.env.LEAD_S ?? 20) * 1000;
    const due = new Map<string, number>();
    let next = 0;
    const scheduleStart = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < TIMERS) {
          const i = next++;
          // Each timer is due at firstDue + i/TIMERS * SPREAD_S, whenever its request ran.
          const timeOut = Math.round((firstDue + (i / TIMERS) * SPREAD_S * 1000 - Date.now()) / 1000);
          const response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: apiKey },
            body: JSON.stringify({
              query,
              variables: {
                input: {
                  userNumber: `+1555${String(1_000_000 + i)}`,
                  agentNumber: "+15555550100",
                  message: "hi",
                  sender: "AGENT",
                  timeOut: Math.max(1, timeOut),
                  timeoutMessage: "bye",
                },
              },
            }),
          });
          const { data } = (await response.json()) as {
            data: { createSmsConversation: { conversationId: string; conversation: { timeoutAt: string } } };
          };
          due.set(data.createSmsConversation.conversationId.slice(5), Date.parse(data.createSmsConversation.conversation.timeoutAt));
        }
      }),
    );
    const scheduledIn = Date.now() - scheduleStart;

    const dataSource = parley.database.dataSource;
    const deadline = Date.now() + (SPREAD_S + 60) * 1000;
    for (;;) {
      const [{ n }] = await dataSource.query("SELECT count(*)::int AS n FROM sms_conversation WHERE status = 'TIMED_OUT'");
      if (n >= TIMERS || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const rows: Array<{ conversation_id: string; created_at: Date }> = await dataSource.query(
      "SELECT conversation_id::text, created_at FROM sms_message WHERE kind = 'TIMEOUT_END'",
    );
    const lateness = rows.map((row) => row.created_at.getTime() - due.get(row.conversation_id.replace(/-/g, ""))!).sort((a, b) => a - b);

    const ms = (value: number) => `${value.toFixed(0)} ms`;
    console.log(
      `timer lateness: ${TIMERS} timers due over ${SPREAD_S} s, poll interval ${config.worker.pollInterval} ms, concurrency ${config.worker.concurrency}`,
    );
    console.log(`  scheduled in ${scheduledIn} ms; fired ${rows.length}/${TIMERS}`);
    console.log(
      `  lateness  min ${ms(lateness[0])}  median ${ms(percentile(lateness, 50))}  p90 ${ms(percentile(lateness, 90))}  p99 ${ms(percentile(lateness, 99))}  max ${ms(lateness.at(-1)!)}`,
    );
    if (rows.length < TIMERS) process.exitCode = 1;
  } finally {
    await parley.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
