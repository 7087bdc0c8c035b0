import { SOMEONE_LISTENS_SQL } from "../../events/event-listeners";
import { timerJobKeySql, WorkflowTask, webhookJobKeySql } from "../workflows/workflow-contract";
import { CALL_COLUMNS } from "./record-call";
import { NEW_ROW_ID_SQL } from "../shared/new-row-id.sql";
import { effectiveSettingsSql, plannedTimersSql, timeoutRuleSql } from "../shared/timeout-rules.sql";
import { DEFAULT_OPT_REPLIES, OPT_REPLY_KEYS, OPT_REPLY_KINDS, OptAction } from "./opt-out-keywords";
import { ALL_PARTS, PART_NAMES, type StatementParts, statementPartsOf } from "./statement-parts";

/** A timer may run this much before its time (clock steps, poll jitter) and still fire, in ms. */
export const EARLY_TOLERANCE_MS = 50;

const persisted = CALL_COLUMNS.filter((column) => column.persisted).map((column) => column.name);
/** The input columns a message call's rows carry on: all but the timer's (and op, known by then). */
const messageColumns = CALL_COLUMNS.map((column) => column.name).filter(
  (name) => !["op", "timer_conversation_id", "timer_kind"].includes(name),
);
const pairOf = (a: string, b: string) =>
  `${a}.account_id = ${b}.account_id AND ${a}.agent_number_id = ${b}.agent_number_id AND ${a}.user_number = ${b}.user_number`;
/** The agent number's config of a conversation's channel (`n` the agent number). */
const channelConfig = (channel: string) => `CASE WHEN ${channel} = 'WHATSAPP' THEN n.whatsapp_config ELSE n.sms_config END`;
const due = (at: string) => `${at} <= now() + make_interval(secs => ${EARLY_TOLERANCE_MS / 1000})`;
/**
 * Whether the conversation's queued job for a timer (`l.<kind>_job_at`) still wakes the timer
 * planned for `p.<kind>_at`: it runs later than now and no later than the timer. A conversation
 * being replaced keeps no job: its jobs are keyed by the archived conversation.
 */
const jobStillWakes = (kind: "warning" | "timeout") =>
  `COALESCE(NOT i.new_conversation AND l.${kind}_job_at > t.sent_at AND l.${kind}_job_at <= p.${kind}_at, false)`;
/** Whether a message Parley sends for the account goes to its webhook (else it waits QUEUED for a provider). */
const hasWebhook = (accountId: string) => `EXISTS (SELECT FROM account a WHERE a.id = ${accountId} AND a.webhook_url IS NOT NULL)`;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
/** A keyword message's reply (`r.opt_action`): its kind and its text, the agent number's (`n.opt_out_replies`) or the default. */
const replyOf = (action: string, replies: string) =>
  `CASE ${action} ${Object.values(OptAction)
    .map((value) => `WHEN '${value}' THEN '${OPT_REPLY_KINDS[value]}'`)
    .join(" ")} END AS reply_kind,
    CASE ${action} ${Object.values(OptAction)
      .map((value) => `WHEN '${value}' THEN COALESCE(${replies}->>'${OPT_REPLY_KEYS[value]}', ${literal(DEFAULT_OPT_REPLIES[value])})`)
      .join(" ")} END AS reply_body`;

/** UNION ALL of the branches that are present. */
const unionAll = (branches: Array<string | false>) => branches.filter(Boolean).join("\n    UNION ALL\n    ");

/**
 * THE write path: every message Parley records goes through this one statement (a batch of
 * calls, one row each in the parameter arrays; see MessageRecorder), so each rule below exists
 * once. It is one statement, so one transaction: a call's conversation, message, workflow and
 * jobs commit together or not at all.
 *
 * A MESSAGE call:
 * - whose messageSid or idempotency key the account already used writes nothing: it is that
 *   message's repeat (REPLAYED: same numbers, sender and body; the original message's ids), or
 *   SID_CONFLICT / KEY_CONFLICT;
 * - is checked against the timeout rule over the settings in force (the request's, else the
 *   conversation's stored overrides, else the number's config of the call's channel: smsConfig
 *   or whatsappConfig); if it breaks it, nothing is
 *   written (REFUSED) and the settings in force are returned to say why;
 * - locks the pair's opt-out row (sms_recipient, inserted for a new pair; locked before any
 *   conversation, in key order) and reads its latest committed version: a USER message that is
 *   an opt-out keyword (opt_action OUT / IN) changes it, other messages write no new version of
 *   it; an AGENT message to a user opted out by a committed STOP is refused (OPTED_OUT, nothing
 *   else written), whatever the race; an opt-out cancels the timers of the pair's conversations
 *   on other channels (silenced);
 * - continues the pair's ACTIVE conversation on the call's channel — locked, at its latest committed version — with
 *   given fields replacing stored ones and omitted ones kept; or, with newConversation, archives
 *   it (its workflow COMPLETED, its pending timers removed) and starts a new one; or, with none
 *   active, starts one (its workflow PENDING: the durable trigger of its setup);
 * - records the message, and plans the timers: an AGENT message (re)starts them, any other
 *   cancels them. A timer's job (a workflow_outbox row; one job key per timer) is only an alarm
 *   no later than the timer: a started timer gets one unless the job already queued runs later
 *   than now and no later than it; a cancelled timer's job is left to run and find nothing due.
 *   A message Parley sends (deliver: sendSmsMessage) is recorded QUEUED with its idempotency key
 *   and handed to the outbound port as a timer's messages are (below). A keyword message
 *   (opt_action OUT, IN or HELP) is followed by its reply, an AGENT message of kind
 *   OPT_OUT_CONFIRMATION / OPT_IN_CONFIRMATION / HELP_REPLY sent the same way.
 *   Every outbox row carries the call's traceparent (null unless tracing is on).
 * - A new conversation that another transaction started for the pair after this statement's
 *   snapshot makes the call RACED: nothing written; the caller runs it again.
 * A TIMER call, on its pair's opt-out row lock and then its conversation's: a timer of a user
 * opted out does nothing (STALE); a timer still pending and due fires (FIRED) —
 * the warning and/or timeout messages in force are recorded QUEUED for delivery (a webhook job
 * for accounts with a webhook), the timer is cleared and, for the timeout, the conversation
 * TIMED_OUT and its workflow COMPLETED; one not due yet is queued again for its time
 * (RESCHEDULED); anything else (cancelled, fired, ended) does nothing (STALE).
 *
 * Calls of one statement must touch distinct conversations, messageSids and idempotency keys
 * (MessageRecorder's rounds). Rows are locked in id order and inserted in key order, as by every
 * other writer, so two statements cannot deadlock.
 *
 * The statement is cut to `parts`: a part no call of the round needs is left out, and what it
 * would have answered is answered as empty (see StatementParts).
 */
export function recordMessagesSql(parts: StatementParts): string {
  // A round without calls runs the message half (it writes nothing); the message parts need it.
  const timers = parts.timers;
  const messages = parts.messages || !timers;
  const [repeats, keywords, replacements, sends] = [parts.repeats, parts.keywords, parts.replacements, parts.sends].map(
    (part) => messages && part,
  );
  const ctes: Array<[string, string | false]> = [
    [
      "input",
      `SELECT * FROM unnest(${CALL_COLUMNS.map((column, k) => `$${k + 1}::${column.type}[]`).join(", ")})
    WITH ORDINALITY AS i(${CALL_COLUMNS.map((column) => column.name).join(", ")}, n)`,
    ],
    [
      "used_key",
      repeats &&
        `-- The message that already holds the call's messageSid or idempotency key (a call carries at most one).
  SELECT i.n, m.id AS message_id, m.conversation_id, m.by_sid,
    m.sender::text = i.sender AND m.body = i.body AND c.user_number = i.user_number AND c.agent_number = i.agent_number
      AND c.channel::text = i.channel AS same
  FROM input i
  CROSS JOIN LATERAL (
    SELECT s.id, s.conversation_id, s.sender, s.body, true AS by_sid
    FROM sms_message s WHERE s.account_id = i.account_id AND s.message_sid = i.message_sid
    UNION ALL
    SELECT s.id, s.conversation_id, s.sender, s.body, false
    FROM sms_message s WHERE s.account_id = i.account_id AND s.idempotency_key = i.idempotency_key
    LIMIT 1
  ) m
  JOIN sms_conversation c ON c.id = m.conversation_id
  WHERE i.op = 'MESSAGE'`,
    ],
    [
      "calls",
      messages &&
        `SELECT ${messageColumns.map((column) => `i.${column}`).join(", ")}, i.n, ${NEW_ROW_ID_SQL} AS new_conversation_id, ${NEW_ROW_ID_SQL} AS new_workflow_id, ${NEW_ROW_ID_SQL} AS message_id
  FROM input i
  WHERE i.op = 'MESSAGE'${repeats ? " AND i.n NOT IN (SELECT n FROM used_key)" : ""}`,
    ],
    [
      "recipients",
      messages &&
        `-- The conflict locks the pair's row, and the DO UPDATE's WHERE reads its latest committed
  -- version: what the call sees is the state in force when it commits. Every message call locks
  -- it, so the pair's calls are serialised here, before any conversation lock. A new row version
  -- is written only when the state changes (a keyword OUT or IN) or is opted out: the row is
  -- returned then, or when inserted; a locked row not returned is not opted out.
  INSERT INTO sms_recipient AS x (agent_number_id, user_number, account_id, opted_out, opted_out_at, opt_out_keyword, opted_in_at, opt_in_keyword)
  SELECT i.agent_number_id, i.user_number, i.account_id, COALESCE(i.opt_action = '${OptAction.OUT}', false),
    CASE WHEN i.opt_action = '${OptAction.OUT}' THEN now() END, CASE WHEN i.opt_action = '${OptAction.OUT}' THEN i.opt_keyword END,
    CASE WHEN i.opt_action = '${OptAction.IN}' THEN now() END, CASE WHEN i.opt_action = '${OptAction.IN}' THEN i.opt_keyword END
  FROM calls i
  ORDER BY i.agent_number_id, i.user_number
  ON CONFLICT (agent_number_id, user_number) DO UPDATE SET
    opted_out = CASE WHEN EXCLUDED.opted_out_at IS NOT NULL THEN true WHEN EXCLUDED.opted_in_at IS NOT NULL THEN false ELSE x.opted_out END,
    opted_out_at = COALESCE(EXCLUDED.opted_out_at, x.opted_out_at), opt_out_keyword = COALESCE(EXCLUDED.opt_out_keyword, x.opt_out_keyword),
    opted_in_at = COALESCE(EXCLUDED.opted_in_at, x.opted_in_at), opt_in_keyword = COALESCE(EXCLUDED.opt_in_keyword, x.opt_in_keyword)
  WHERE EXCLUDED.opted_out_at IS NOT NULL OR EXCLUDED.opted_in_at IS NOT NULL OR x.opted_out
  RETURNING x.agent_number_id, x.user_number, x.opted_out`,
    ],
    [
      "locked",
      messages &&
        `-- Joined to recipients, which it reads in full before any conversation row reaches the lock:
  -- the pairs' rows are locked before their conversations, as by a timer.
  SELECT i.n, s.id, s.warning_at, s.timeout_at, s.warning_job_at, s.timeout_job_at, ${persisted.map((column) => `s.${column}`).join(", ")}
  FROM calls i
  LEFT JOIN recipients x ON x.agent_number_id = i.agent_number_id AND x.user_number = i.user_number
  JOIN sms_conversation s ON ${pairOf("s", "i")} AND s.channel::text = i.channel AND s.status = 'ACTIVE'
  ORDER BY s.id
  FOR UPDATE OF s`,
    ],
    [
      "resolved",
      messages &&
        `-- sent_at is read once the conversation is locked: it is the message's time, which its timers count from.
  SELECT i.*, l.id AS existing_id, l.warning_job_at AS was_warning_job_at, l.timeout_job_at AS was_timeout_job_at, t.sent_at, e.*, p.*, q.*, j.*,
    v.violation, COALESCE(x.opted_out, false) AND i.sender = 'AGENT' AS opted_out,
    v.violation IS NOT NULL OR (COALESCE(x.opted_out, false) AND i.sender = 'AGENT') AS refused${
      sends
        ? `,
    -- A message Parley sends goes to its account's webhook, if it has one; read only for those.
    CASE WHEN i.deliver THEN ${hasWebhook("i.account_id")} ELSE false END AS webhook`
        : ""
    }${
      keywords
        ? `,
    CASE WHEN i.opt_action IS NOT NULL THEN ${NEW_ROW_ID_SQL} END AS reply_message_id,
    CASE WHEN i.opt_action IS NOT NULL THEN ${hasWebhook("i.account_id")} ELSE false END AS reply_webhook,
    ${replyOf("i.opt_action", "n.opt_out_replies")}`
        : ""
    }
  FROM calls i
  JOIN agent_number n ON n.id = i.agent_number_id
  LEFT JOIN recipients x ON x.agent_number_id = i.agent_number_id AND x.user_number = i.user_number
  LEFT JOIN locked l ON l.n = i.n
  -- The overrides after this call; a new conversation starts without stored ones.
  CROSS JOIN LATERAL (SELECT ${persisted
    .map((column) => `COALESCE(i.${column}, CASE WHEN NOT i.new_conversation THEN l.${column} END) AS ${column}`)
    .join(", ")}) o
  CROSS JOIN LATERAL (SELECT ${effectiveSettingsSql("o", channelConfig("i.channel"))}) e
  CROSS JOIN LATERAL (SELECT clock_timestamp() AS sent_at) t
  CROSS JOIN LATERAL (SELECT ${timeoutRuleSql("e.effective_warning_time", "e.effective_time_out", "i.time_out IS NOT NULL OR i.warning_time IS NOT NULL")} AS violation) v
  CROSS JOIN LATERAL (SELECT ${plannedTimersSql("i.sender", "t.sent_at", "e.effective_time_out", "e.effective_warning_time")}) p
  CROSS JOIN LATERAL (SELECT p.warning_at IS NOT NULL AND NOT ${jobStillWakes("warning")} AS queue_warning,
                             p.timeout_at IS NOT NULL AND NOT ${jobStillWakes("timeout")} AS queue_timeout) q
  CROSS JOIN LATERAL (SELECT
    CASE WHEN q.queue_warning THEN p.warning_at WHEN NOT i.new_conversation THEN l.warning_job_at END AS next_warning_job_at,
    CASE WHEN q.queue_timeout THEN p.timeout_at WHEN NOT i.new_conversation THEN l.timeout_job_at END AS next_timeout_job_at) j`,
    ],
    [
      "archived",
      replacements &&
        `UPDATE sms_conversation c SET status = 'ARCHIVED', archived_at = now(), warning_at = NULL, timeout_at = NULL,
    warning_job_at = NULL, timeout_job_at = NULL, updated_at = now()
  FROM resolved r
  WHERE r.new_conversation AND NOT r.refused AND c.id = r.existing_id
  RETURNING r.n, c.id`,
    ],
    [
      "continued",
      messages &&
        `UPDATE sms_conversation c SET
    ${persisted.map((column) => `${column} = COALESCE(r.${column}, c.${column})`).join(",\n    ")},
    warning_at = r.warning_at, timeout_at = r.timeout_at, warning_job_at = r.next_warning_job_at, timeout_job_at = r.next_timeout_job_at,
    updated_at = now()
  FROM resolved r
  WHERE NOT r.new_conversation AND NOT r.refused AND c.id = r.existing_id
  RETURNING r.n, c.id`,
    ],
    [
      "started",
      messages &&
        `${replacements ? "-- Joined to archived so that the pair's archived row is no longer its active one.\n  " : ""}INSERT INTO sms_conversation AS c (id, account_id, agent_number_id, agent_number, user_number, channel, status, ${persisted.join(", ")},
    warning_at, timeout_at, warning_job_at, timeout_job_at)
  SELECT r.new_conversation_id, r.account_id, r.agent_number_id, r.agent_number, r.user_number, r.channel::sms_channel, 'ACTIVE',
    ${persisted.map((column) => `r.${column}`).join(", ")}, r.warning_at, r.timeout_at, r.next_warning_job_at, r.next_timeout_job_at
  ${
    replacements
      ? `FROM resolved r LEFT JOIN archived a ON a.n = r.n
  WHERE NOT r.refused AND (r.new_conversation OR r.existing_id IS NULL) AND (a.n IS NOT NULL OR r.existing_id IS NULL)`
      : `FROM resolved r
  WHERE NOT r.refused AND r.existing_id IS NULL`
  }
  ORDER BY r.account_id, r.agent_number_id, r.user_number, r.channel
  ON CONFLICT (account_id, agent_number_id, user_number, channel) WHERE status = 'ACTIVE' DO NOTHING
  RETURNING c.id`,
    ],
    [
      "silenced",
      keywords &&
        `-- An opt-out cancels the timers of the pair's conversations on the other channels too (the
  -- call's own conversation cancels its timers as any USER message does). Their queued jobs are
  -- left to run and find nothing due. Locked after the pair's opt-out row, as by every writer.
  UPDATE sms_conversation c SET warning_at = NULL, timeout_at = NULL, updated_at = now()
  FROM resolved r
  WHERE r.opt_action = '${OptAction.OUT}' AND NOT r.refused AND ${pairOf("c", "r")} AND c.channel::text <> r.channel
    AND c.status = 'ACTIVE' AND (c.warning_at IS NOT NULL OR c.timeout_at IS NOT NULL)
  RETURNING r.n, c.id`,
    ],
    [
      "written",
      messages &&
        `-- What the messages, workflows, jobs and answers below read of a written call.
  SELECT ${[
    "n",
    "account_id",
    "sender",
    "body",
    "message_sid",
    "idempotency_key",
    "deliver",
    "traceparent",
    "message_id",
    "sent_at",
    "warning_at",
    "timeout_at",
    "queue_warning",
    "queue_timeout",
    ...(sends ? ["webhook"] : []),
    ...(keywords ? ["reply_message_id", "reply_webhook", "reply_kind", "reply_body"] : []),
  ]
    .map((column) => `r.${column}`)
    .join(", ")}, COALESCE(k.id, s.id) AS conversation_id, s.id IS NOT NULL AS started,
    CASE WHEN s.id IS NOT NULL THEN r.new_workflow_id ELSE (SELECT w.id FROM workflow w WHERE w.conversation_id = k.id) END AS workflow_id
  FROM resolved r LEFT JOIN continued k ON k.n = r.n LEFT JOIN started s ON s.id = r.new_conversation_id
  WHERE k.id IS NOT NULL OR s.id IS NOT NULL`,
    ],
    [
      "timer_recipients",
      timers &&
        `-- A timer locks its pair's opt-out row before its conversation, as a message does; locked, the
  -- row is at its latest committed version: a STOP committed meanwhile is seen.
  SELECT t.n, x.opted_out
  FROM input t
  JOIN sms_conversation c ON c.id = t.timer_conversation_id
  JOIN sms_recipient x ON x.agent_number_id = c.agent_number_id AND x.user_number = c.user_number
  WHERE t.op = 'TIMER'
  ORDER BY x.agent_number_id, x.user_number
  FOR UPDATE OF x`,
    ],
    [
      "timer_locked",
      timers &&
        `SELECT t.n, t.timer_kind, t.traceparent, c.id, c.account_id, c.agent_number_id, c.channel, c.warning_at, c.timeout_at, COALESCE(x.opted_out, false) AS opted_out,
    ${persisted.map((column) => `c.${column}`).join(", ")}
  FROM input t
  LEFT JOIN timer_recipients x ON x.n = t.n
  JOIN sms_conversation c ON c.id = t.timer_conversation_id AND c.status = 'ACTIVE'
  WHERE t.op = 'TIMER'
  ORDER BY c.id
  FOR UPDATE OF c`,
    ],
    [
      "timers",
      timers &&
        `SELECT tl.n, tl.timer_kind, tl.traceparent, tl.id, tl.account_id, f.fire_at, ${due("f.fire_at")} AS due,
    tl.warning_at IS NOT NULL AND ${due("tl.warning_at")} AS warning_due, ${hasWebhook("tl.account_id")} AS webhook,
    (SELECT w.id FROM workflow w WHERE w.conversation_id = tl.id) AS workflow_id, e.*
  FROM timer_locked tl
  JOIN agent_number n ON n.id = tl.agent_number_id
  CROSS JOIN LATERAL (SELECT CASE tl.timer_kind WHEN 'WARNING' THEN tl.warning_at ELSE tl.timeout_at END AS fire_at) f
  CROSS JOIN LATERAL (SELECT ${effectiveSettingsSql("tl", channelConfig("tl.channel::text"))}) e
  -- A user opted out is sent nothing: the timer stays unfired, and is cleared by the next message.
  WHERE f.fire_at IS NOT NULL AND NOT tl.opted_out`,
    ],
    [
      "fired",
      timers &&
        `UPDATE sms_conversation c SET
    warning_at = NULL,
    timeout_at = CASE WHEN t.timer_kind = 'TIMEOUT' THEN NULL ELSE c.timeout_at END,
    status = CASE WHEN t.timer_kind = 'TIMEOUT' THEN 'TIMED_OUT' ELSE c.status END,
    timed_out_at = CASE WHEN t.timer_kind = 'TIMEOUT' THEN now() ELSE c.timed_out_at END,
    updated_at = now()
  FROM timers t
  WHERE t.due AND c.id = t.id
  RETURNING t.n, c.id`,
    ],
    [
      "requeued",
      timers &&
        `UPDATE sms_conversation c SET
    warning_job_at = CASE WHEN t.timer_kind = 'WARNING' THEN t.fire_at ELSE c.warning_job_at END,
    timeout_job_at = CASE WHEN t.timer_kind = 'TIMEOUT' THEN t.fire_at ELSE c.timeout_job_at END
  FROM timers t
  WHERE NOT t.due AND c.id = t.id
  RETURNING t.n`,
    ],
    [
      "timer_messages",
      timers &&
        `-- A warning still pending when the timeout fires goes out first.
  SELECT t.n, t.id AS conversation_id, t.account_id, t.workflow_id, t.webhook, t.traceparent, m.ord, m.kind, m.body, ${NEW_ROW_ID_SQL} AS message_id
  FROM timers t
  CROSS JOIN LATERAL (VALUES
    (1, 'TIMEOUT_WARNING', CASE WHEN t.timer_kind = 'WARNING' OR t.warning_due THEN t.effective_warning_message END),
    (2, 'TIMEOUT_END', CASE WHEN t.timer_kind = 'TIMEOUT' THEN t.effective_timeout_message END)) AS m(ord, kind, body)
  WHERE t.due AND m.body IS NOT NULL`,
    ],
    [
      "messages",
      `INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body, message_sid, idempotency_key, delivery_status, created_at)
  SELECT id, conversation_id, account_id, sender::sms_sender, kind::sms_message_kind, body, message_sid, idempotency_key,
    delivery_status::sms_delivery_status, COALESCE(sent_at, clock_timestamp())
  FROM (
    ${unionAll([
      messages &&
        `SELECT w.message_id AS id, w.conversation_id, w.account_id, w.sender, 'NORMAL' AS kind, w.body, w.message_sid, w.idempotency_key,
      CASE WHEN w.deliver THEN 'QUEUED' END AS delivery_status, 0 AS ord, w.sent_at
    FROM written w`,
      timers &&
        `SELECT m.message_id AS id, m.conversation_id, m.account_id, 'AGENT' AS sender, m.kind, m.body, NULL AS message_sid, NULL AS idempotency_key,
      'QUEUED' AS delivery_status, m.ord, NULL::timestamptz AS sent_at
    FROM timer_messages m`,
      keywords &&
        `SELECT w.reply_message_id AS id, w.conversation_id, w.account_id, 'AGENT' AS sender, w.reply_kind AS kind, w.reply_body AS body,
      NULL AS message_sid, NULL AS idempotency_key, 'QUEUED' AS delivery_status, 1 AS ord, NULL::timestamptz AS sent_at
    FROM written w WHERE w.reply_message_id IS NOT NULL`,
    ])}
  ) m
  ORDER BY account_id, message_sid, idempotency_key, conversation_id, ord
  RETURNING id`,
    ],
    [
      "started_workflows",
      messages &&
        `INSERT INTO workflow (id, conversation_id, status)
  SELECT w.workflow_id, w.conversation_id, 'PENDING' FROM written w WHERE w.started
  RETURNING id`,
    ],
    [
      "ended_workflows",
      (replacements || timers) &&
        `UPDATE workflow SET status = 'COMPLETED', updated_at = now()
  WHERE conversation_id IN (${unionAll([
    replacements && "SELECT id FROM archived",
    timers && "SELECT f.id FROM fired f JOIN timers t ON t.n = f.n WHERE t.timer_kind = 'TIMEOUT'",
  ])})
  RETURNING id`,
    ],
    [
      "jobs",
      `INSERT INTO workflow_outbox (workflow_id, task, payload, run_at, job_key, remove_job, traceparent)
  SELECT workflow_id, task, payload, run_at, job_key, remove_job, traceparent FROM (
    ${unionAll([
      messages &&
        `-- A written call's started timers that no queued job wakes: a job at the timer's time (replacing the queued one).
    SELECT w.workflow_id, '${WorkflowTask.CONVERSATION_TIMER}' AS task,
      jsonb_build_object('workflowId', w.workflow_id, 'conversationId', w.conversation_id, 'kind', t.kind) AS payload,
      t.fire_at AS run_at, ${timerJobKeySql("w.conversation_id", "t.kind")} AS job_key, false AS remove_job, w.traceparent
    FROM written w
    CROSS JOIN LATERAL (VALUES ('WARNING', w.warning_at, w.queue_warning), ('TIMEOUT', w.timeout_at, w.queue_timeout)) AS t(kind, fire_at, queue)
    WHERE t.queue`,
      replacements &&
        `-- An archived conversation's queued timer jobs are removed.
    SELECT NULL::uuid AS workflow_id, '${WorkflowTask.CONVERSATION_TIMER}' AS task, '{}'::jsonb AS payload, NULL::timestamptz AS run_at,
      ${timerJobKeySql("r.existing_id", "t.kind")} AS job_key, true AS remove_job, NULL AS traceparent
    FROM archived a JOIN resolved r ON r.n = a.n
    CROSS JOIN LATERAL (VALUES ('WARNING', r.was_warning_job_at), ('TIMEOUT', r.was_timeout_job_at)) AS t(kind, was)
    WHERE t.was IS NOT NULL`,
      timers &&
        `-- A timer that ran early goes back to wait for its time.
    SELECT t.workflow_id, '${WorkflowTask.CONVERSATION_TIMER}' AS task,
      jsonb_build_object('workflowId', t.workflow_id, 'conversationId', t.id, 'kind', t.timer_kind) AS payload,
      t.fire_at AS run_at, ${timerJobKeySql("t.id", "t.timer_kind")} AS job_key, false AS remove_job, t.traceparent
    FROM timers t WHERE NOT t.due`,
      (timers || sends || keywords) &&
        `-- A message Parley sends (a fired timer's, a send's, a keyword's reply) goes to its account's
    -- webhook, if it has one (else it waits QUEUED for a provider).
    SELECT m.workflow_id, '${WorkflowTask.DELIVER_WEBHOOK}' AS task, jsonb_build_object('messageId', m.message_id) AS payload,
      NULL::timestamptz AS run_at, ${webhookJobKeySql("m.message_id")} AS job_key, false AS remove_job, m.traceparent
    FROM (${unionAll([
      timers && "SELECT t.workflow_id, t.message_id, t.traceparent FROM timer_messages t WHERE t.webhook",
      sends && "SELECT w.workflow_id, w.message_id, w.traceparent FROM written w WHERE w.webhook",
      keywords && "SELECT w.workflow_id, w.reply_message_id AS message_id, w.traceparent FROM written w WHERE w.reply_webhook",
    ])}) m`,
    ])}
  ) o
  RETURNING 1`,
    ],
  ];
  const outcome = [
    timers && `WHEN i.op = 'TIMER' THEN CASE WHEN f.n IS NOT NULL THEN 'FIRED' WHEN t.n IS NOT NULL THEN 'RESCHEDULED' ELSE 'STALE' END`,
    repeats && `WHEN u.n IS NOT NULL THEN CASE WHEN u.same THEN 'REPLAYED' WHEN u.by_sid THEN 'SID_CONFLICT' ELSE 'KEY_CONFLICT' END`,
    messages && `WHEN r.opted_out THEN 'OPTED_OUT'`,
    messages && `WHEN r.violation IS NOT NULL THEN 'REFUSED'`,
    messages && `WHEN w.n IS NOT NULL THEN 'WRITTEN'`,
  ];
  const coalesce = (values: Array<string | false>, type: string) => {
    const present = values.filter((value): value is string => value !== false);
    return present.length === 0 ? `NULL::${type}` : `COALESCE(${present.join(", ")})`;
  };
  const writtenIds = keywords ? "array_remove(ARRAY[w.message_id, w.reply_message_id], NULL)" : "ARRAY[w.message_id]";
  const timerMessages = (column: string, type: string) =>
    timers ? `ARRAY(SELECT m.${column} FROM timer_messages m WHERE m.n = i.n ORDER BY m.ord)` : `'{}'::${type}[]`;
  return `
WITH ${ctes
    .filter((cte): cte is [string, string] => cte[1] !== false)
    .map(([name, body]) => `${name} AS (\n  ${body}\n)`)
    .join(",\n")}
SELECT i.n::int,
  CASE
    ${outcome.filter(Boolean).join("\n    ")}
    ELSE 'RACED'
  END AS outcome,
  ${coalesce([messages && "w.conversation_id", repeats && "u.conversation_id", timers && "t.id"], "uuid")} AS conversation_id,
  ${coalesce([messages && "w.account_id", timers && "t.account_id"], "uuid")} AS account_id,
  ${coalesce(
    [
      messages && "w.workflow_id",
      timers && "t.workflow_id",
      repeats && "(SELECT wf.id FROM workflow wf WHERE wf.conversation_id = u.conversation_id)",
    ],
    "uuid",
  )} AS workflow_id,
  ${messages ? `CASE WHEN w.n IS NOT NULL THEN ${writtenIds} ${repeats ? "WHEN u.same THEN ARRAY[u.message_id] " : ""}ELSE ${timerMessages("message_id", "uuid")} END` : timerMessages("message_id", "uuid")} AS message_ids,
  ${timerMessages("kind", "text")} AS sent,
  ${messages ? "COALESCE(w.started, false)" : "false"} AS started, ${replacements ? "a.id" : "NULL::uuid"} AS archived_id,
  ${timers ? "t.fire_at" : "NULL::timestamptz"} AS fire_at,
  ${keywords ? "ARRAY(SELECT s.id FROM silenced s WHERE s.n = i.n)" : "'{}'::uuid[]"} AS silenced_ids,
  ${
    messages
      ? "r.violation, r.effective_time_out, r.effective_time_out_source, r.effective_warning_time, r.effective_warning_time_source"
      : "NULL::text AS violation, NULL::int AS effective_time_out, NULL::text AS effective_time_out_source, NULL::int AS effective_warning_time, NULL::text AS effective_warning_time_source"
  },
  (SELECT count(*) FROM jobs)::int AS jobs, ${SOMEONE_LISTENS_SQL} AS listened
FROM input i
${[
  repeats && "LEFT JOIN used_key u ON u.n = i.n",
  messages && "LEFT JOIN resolved r ON r.n = i.n",
  messages && "LEFT JOIN written w ON w.n = i.n",
  replacements && "LEFT JOIN archived a ON a.n = i.n",
  timers && "LEFT JOIN timers t ON t.n = i.n",
  timers && "LEFT JOIN fired f ON f.n = i.n",
]
  .filter(Boolean)
  .join("\n")}
ORDER BY i.n
`;
}

/** The whole write statement (see recordMessagesSql). */
export const RECORD_MESSAGES_SQL = recordMessagesSql(ALL_PARTS);

const statements = new Map<string, { name: string; text: string }>();

/**
 * The prepared statement for a round's parameters: its text, cut to the parts the round needs,
 * and its name, one per set of parts (a letter per part present, in PART_NAMES order), so that
 * each is planned once per connection.
 */
export function recordMessagesStatement(parameters: readonly (readonly unknown[])[]): { name: string; text: string } {
  const parts = statementPartsOf(parameters);
  const key = PART_NAMES.map((part) => (parts[part] ? part[0] : "-")).join("");
  let statement = statements.get(key);
  if (!statement) {
    statement = { name: `parley_record_messages_${key}`, text: recordMessagesSql(parts) };
    statements.set(key, statement);
  }
  return statement;
}

/**
 * A webhook delivery attempt of a message Parley sent, logged, and — once it is final (delivered,
 * or the last attempt failed) — the message's delivery status: the only change to a message
 * after the write path recorded it.
 *
 *  $1 message_id  $2 attempt  $3 attempted_at  $4 status_code  $5 latency_ms  $6 error
 *  $7 the final delivery status (SENT or FAILED), or null while attempts remain
 */
export const RECORD_DELIVERY_ATTEMPT_SQL = `
WITH attempt AS (
  INSERT INTO webhook_delivery_attempt (id, message_id, attempt, attempted_at, status_code, latency_ms, error)
  VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6)
  RETURNING message_id
)
UPDATE sms_message m SET delivery_status = $7::sms_delivery_status
FROM attempt a
WHERE m.id = a.message_id AND $7::sms_delivery_status IS NOT NULL
`;
