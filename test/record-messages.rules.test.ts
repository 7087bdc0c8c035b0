import type { RecordMessageCommand } from "../src/services/conversations/record-message.command";
import type { RecordMessageResult } from "../src/services/conversations/sms-conversation.service";
import { TimeoutRuleViolation } from "../src/services/shared/timeout-rules.sql";
import { UserErrorCode } from "../src/services/shared/user-error-code.enum";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";

/*
 * The write path's timeout rules, case by case: sender × given timeOut/warningTime × stored
 * overrides (with pending timers, and their queued jobs) × the number's smsConfig. Each case's
 * outcome, stored overrides, timers and timer jobs are checked against the rules as the product
 * states them (the oracle below); and every case is run twice — alone, and all cases together in
 * batches — with the same results.
 */

type Settings = { timeOut?: number; warningTime?: number };
interface Case {
  sender: "USER" | "AGENT";
  given: Settings;
  stored: Settings | null;
  /** When the stored conversation's queued timer jobs run, in seconds from now (both timers alike); null: none known. */
  queued: number | null;
  config: Settings;
}

// Equal values included: a warningTime equal to the timeOut in force breaks the rule.
const GIVEN: Settings[] = [
  {},
  { timeOut: 900 },
  { timeOut: 400 },
  { warningTime: 100 },
  { warningTime: 600 },
  { timeOut: 900, warningTime: 100 },
  { timeOut: 100, warningTime: 900 },
];
const STORED: Array<Settings | null> = [null, {}, { timeOut: 500 }, { timeOut: 500, warningTime: 400 }];
const CONFIGS: Settings[] = [{}, { timeOut: 600, warningTime: 300 }, { timeOut: 60 }];
// Before every timer a case starts (the soonest is 60 s), after all of them, already past, none known.
const QUEUED = [30, 3 * 3600, -30, null];
const CASES: Case[] = (["USER", "AGENT"] as const).flatMap((sender) =>
  GIVEN.flatMap((given) =>
    STORED.flatMap((stored) =>
      (stored === null ? [null] : QUEUED).flatMap((queued) => CONFIGS.map((config) => ({ sender, given, stored, queued, config }))),
    ),
  ),
);

/** What the product says a case does. */
function expected({ sender, given, stored, queued, config }: Case) {
  const inForce = (key: keyof Settings) => given[key] ?? stored?.[key] ?? config[key] ?? null;
  const [timeOut, warningTime] = [inForce("timeOut"), inForce("warningTime")];
  const checked = given.timeOut !== undefined || given.warningTime !== undefined;
  const violation =
    !checked || warningTime === null
      ? null
      : timeOut === null
        ? TimeoutRuleViolation.WARNING_NEEDS_TIME_OUT
        : warningTime >= timeOut
          ? TimeoutRuleViolation.WARNING_NOT_BELOW_TIME_OUT
          : null;
  if (violation) return { violation };
  const timers =
    sender === "AGENT" && timeOut !== null
      ? { warning: warningTime !== null && warningTime < timeOut ? warningTime : null, timeout: timeOut }
      : { warning: null, timeout: null };
  // A job is an alarm no later than its timer: a started timer gets one unless the job queued
  // runs later than now and no later than it. A cancelled timer's job stays, to find nothing due.
  const wakes = (at: number) => queued !== null && queued > 0 && queued <= at;
  const queue = { warning: timers.warning !== null && !wakes(timers.warning), timeout: timers.timeout !== null && !wakes(timers.timeout) };
  const jobAt = (kind: "warning" | "timeout") => (queue[kind] ? "timer" : queued === null ? "none" : "kept");
  return {
    violation,
    overrides: { time_out: given.timeOut ?? stored?.timeOut ?? null, warning_time: given.warningTime ?? stored?.warningTime ?? null },
    timers,
    jobs: (["warning", "timeout"] as const)
      .filter((kind) => queue[kind])
      .map((kind) => `${kind}:add`)
      .sort(),
    jobAt: { warning: jobAt("warning"), timeout: jobAt("timeout") },
  };
}

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  account = await harness.createAccount({ numbers: CONFIGS.length });
  await Promise.all(
    CONFIGS.map((config, i) =>
      harness.db.query("UPDATE agent_number SET sms_config = $1 WHERE number = $2", [config, account.agentNumbers[i]]),
    ),
  );
});
afterAll(() => harness.close());

/** A fresh pair for the case, with its stored conversation (overrides, both timers pending and their jobs queued as the case says), if it has one. */
async function setUp(c: Case): Promise<RecordMessageCommand> {
  const agentNumber = account.agentNumbers[CONFIGS.indexOf(c.config)];
  const userNumber = randomNumber();
  if (c.stored) {
    await harness.db.query(
      `WITH c AS (
         INSERT INTO sms_conversation (id, account_id, agent_number_id, agent_number, user_number, time_out, warning_time, warning_at, timeout_at,
           warning_job_at, timeout_job_at)
         SELECT gen_random_uuid(), n.account_id, n.id, n.number, $2, $3, $4, now() + interval '1 hour', now() + interval '2 hours',
           now() + make_interval(secs => $5), now() + make_interval(secs => $5)
         FROM agent_number n WHERE n.number = $1 RETURNING id)
       INSERT INTO workflow (id, conversation_id, status) SELECT gen_random_uuid(), id, 'RUNNING' FROM c`,
      [agentNumber, userNumber, c.stored.timeOut ?? null, c.stored.warningTime ?? null, c.queued],
    );
  }
  return { agentNumber, userNumber, message: "hello", sender: c.sender, ...c.given } as RecordMessageCommand;
}

/** What a case left: its outcome, the pair's active conversation and the timer jobs written for it. */
async function observed(command: RecordMessageCommand, result: RecordMessageResult) {
  if (!result.ok) {
    return {
      violation: result.problem.code === UserErrorCode.INVALID_TIMEOUT_CONFIG ? violationOf(result.problem.message) : result.problem.code,
    };
  }
  const { rows } = await harness.db.query(
    `SELECT time_out, warning_time,
       round(extract(epoch FROM warning_at - updated_at))::int AS warning, round(extract(epoch FROM timeout_at - updated_at))::int AS timeout,
       ARRAY(SELECT split_part(job_key, ':', 3) || CASE WHEN remove_job THEN ':remove' ELSE ':add' END FROM workflow_outbox o
             WHERE o.job_key LIKE 'timer:' || c.id || ':%' ORDER BY 1) AS jobs,
       CASE WHEN warning_job_at IS NULL THEN 'none' WHEN warning_job_at = warning_at THEN 'timer' ELSE 'kept' END AS warning_job,
       CASE WHEN timeout_job_at IS NULL THEN 'none' WHEN timeout_job_at = timeout_at THEN 'timer' ELSE 'kept' END AS timeout_job
     FROM sms_conversation c WHERE c.id = $1`,
    [result.conversationId],
  );
  const [row] = rows;
  expect(row).toBeDefined();
  expect(command.userNumber).toBeDefined();
  return {
    violation: null,
    overrides: { time_out: row.time_out, warning_time: row.warning_time },
    timers: { warning: row.warning, timeout: row.timeout },
    jobs: row.jobs.sort(),
    jobAt: { warning: row.warning_job, timeout: row.timeout_job },
  };
}

const violationOf = (message: string) =>
  message.includes("needs a timeOut") ? TimeoutRuleViolation.WARNING_NEEDS_TIME_OUT : TimeoutRuleViolation.WARNING_NOT_BELOW_TIME_OUT;

const label = (c: Case) =>
  `${c.sender} given ${JSON.stringify(c.given)} stored ${JSON.stringify(c.stored)} queued ${c.queued} config ${JSON.stringify(c.config)}`;

describe("the timeout rules of the write path", () => {
  it(`hold in each of ${CASES.length} cases, each recorded alone`, async () => {
    for (const c of CASES) {
      const command = await setUp(c);
      const result = await harness.parley.services.conversations.recordMessage(account.id, command);
      expect({ case: label(c), ...(await observed(command, result)) }).toEqual({ case: label(c), ...expected(c) });
    }
  });

  it("hold alike when every case is recorded in batches", async () => {
    const commands = [];
    for (const c of CASES) commands.push(await setUp(c));
    const results = await Promise.all(commands.map((command) => harness.parley.services.conversations.recordMessage(account.id, command)));

    // Batches of at most 100 calls wrote them all: the rows share as many transactions.
    const written = results.flatMap((result) => (result.ok ? [result.conversationId] : []));
    const { rows } = await harness.db.query(
      "SELECT count(DISTINCT xmin::text)::int AS n FROM sms_message WHERE conversation_id = ANY($1)",
      [written],
    );
    expect(rows).toEqual([{ n: Math.ceil(CASES.length / 100) }]);
    for (const [i, c] of CASES.entries()) {
      expect({ case: label(c), ...(await observed(commands[i], results[i])) }).toEqual({ case: label(c), ...expected(c) });
    }
  });
});
