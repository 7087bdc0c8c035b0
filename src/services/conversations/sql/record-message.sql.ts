import { SOMEONE_LISTENS_SQL } from "../../../events/event-listeners";
import { timerJobKeySql, WorkflowTask } from "../../workflows/workflow-contract";

/** The upsert's SET for the fields a turn may omit: an omitted (null) field keeps its stored value. */
export const KEEP_OMITTED_FIELDS = `curr_pathway_id = COALESCE(EXCLUDED.curr_pathway_id, c.curr_pathway_id),
    curr_pathway_version = COALESCE(EXCLUDED.curr_pathway_version, c.curr_pathway_version),
    current_node_id = COALESCE(EXCLUDED.current_node_id, c.current_node_id),
    request_data = COALESCE(EXCLUDED.request_data, c.request_data),
    timeout_message = COALESCE(EXCLUDED.timeout_message, c.timeout_message),
    warning_message = COALESCE(EXCLUDED.warning_message, c.warning_message)`;

/**
 * The hot path of createSmsConversation as ONE statement (one round trip, autocommit): continue
 * the pair's ACTIVE conversation or start one (the partial unique index arbitrates races), record
 * the message, create the workflow of a new conversation — PENDING, which is its durable trigger:
 * the worker sets up every PENDING workflow — and write the timers' jobs to the outbox when a
 * timer is scheduled or cancelled; atomically, since a statement is its own transaction.
 *
 * It writes only what a user can observe later and returns only ids: every extra row, column or
 * returned field is paid on every request (see docs/PERFORMANCE.md).
 *
 * Timers come from the effective config — the request's timeOut/warningTime, else the
 * conversation's overrides, else the number's smsConfig (as resolveTimeoutConfig and planTimers
 * do). When the request sets timeOut or warningTime, the rule "warningTime < timeOut" is checked
 * on the locked row (ON CONFLICT … WHERE) or, for a new conversation, on the values inserted;
 * if it fails the statement writes nothing and returns no row, and the caller takes the locked
 * path, which answers with the precise user error. So does a request with newConversation.
 *
 *  $1 account_id   $2 agent_number_id  $3 agent_number  $4 user_number  $5 sender
 *  $6 body         $7 message_sid      $8 curr_pathway_id  $9 curr_pathway_version
 * $10 current_node_id  $11 request_data  $12 timeout_message  $13 warning_message
 * $14 time_out (given)  $15 warning_time (given)
 */
export const RECORD_MESSAGE_SQL = `
WITH cfg AS (
  SELECT (sms_config->>'timeOut')::int AS time_out, (sms_config->>'warningTime')::int AS warning_time
  FROM agent_number WHERE id = $2
),
prev AS (
  SELECT warning_at, timeout_at FROM sms_conversation
  WHERE account_id = $1 AND agent_number_id = $2 AND user_number = $4 AND status = 'ACTIVE'
),
conv AS (
  INSERT INTO sms_conversation AS c (
    id, account_id, agent_number_id, agent_number, user_number, status, curr_pathway_id,
    curr_pathway_version, current_node_id, request_data, timeout_message, warning_message,
    time_out, warning_time, warning_at, timeout_at)
  SELECT gen_random_uuid(), $1, $2, $3, $4, 'ACTIVE', $8, $9, $10, $11, $12, $13, $14::int, $15::int,
    CASE WHEN $5 = 'AGENT' AND e.time_out IS NOT NULL AND e.warning_time < e.time_out
      THEN now() + make_interval(secs => e.warning_time) END,
    CASE WHEN $5 = 'AGENT' AND e.time_out IS NOT NULL THEN now() + make_interval(secs => e.time_out) END
  FROM (SELECT COALESCE($14::int, (SELECT time_out FROM cfg)) AS time_out,
               COALESCE($15::int, (SELECT warning_time FROM cfg)) AS warning_time) e
  WHERE ($14::int IS NULL AND $15::int IS NULL) OR e.warning_time IS NULL OR e.warning_time < e.time_out
  ON CONFLICT (account_id, agent_number_id, user_number) WHERE status = 'ACTIVE' DO UPDATE SET
    ${KEEP_OMITTED_FIELDS},
    time_out = COALESCE($14::int, c.time_out),
    warning_time = COALESCE($15::int, c.warning_time),
    warning_at = CASE WHEN $5 = 'AGENT'
        AND COALESCE($14::int, c.time_out, (SELECT time_out FROM cfg)) IS NOT NULL
        AND COALESCE($15::int, c.warning_time, (SELECT warning_time FROM cfg)) < COALESCE($14::int, c.time_out, (SELECT time_out FROM cfg))
      THEN now() + make_interval(secs => COALESCE($15::int, c.warning_time, (SELECT warning_time FROM cfg))) END,
    timeout_at = CASE WHEN $5 = 'AGENT' AND COALESCE($14::int, c.time_out, (SELECT time_out FROM cfg)) IS NOT NULL
      THEN now() + make_interval(secs => COALESCE($14::int, c.time_out, (SELECT time_out FROM cfg))) END,
    updated_at = now()
  WHERE ($14::int IS NULL AND $15::int IS NULL)
    OR COALESCE($15::int, c.warning_time, (SELECT warning_time FROM cfg)) IS NULL
    OR COALESCE($15::int, c.warning_time, (SELECT warning_time FROM cfg)) < COALESCE($14::int, c.time_out, (SELECT time_out FROM cfg))
  RETURNING c.id, c.warning_at, c.timeout_at, (c.xmax = 0) AS inserted
),
msg AS (
  INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body, message_sid)
  SELECT gen_random_uuid(), conv.id, $1, $5::sms_sender, 'NORMAL', $6, $7 FROM conv
  RETURNING id
),
wf AS (
  INSERT INTO workflow (id, conversation_id, status)
  SELECT gen_random_uuid(), conv.id, 'PENDING' FROM conv WHERE conv.inserted
  RETURNING id
),
ids AS (
  SELECT conv.id AS conversation_id,
    COALESCE((SELECT id FROM wf), (SELECT w.id FROM workflow w WHERE w.conversation_id = conv.id)) AS workflow_id
  FROM conv
),
timers AS (
  INSERT INTO workflow_outbox (workflow_id, task, payload, run_at, job_key, remove_job)
  SELECT ids.workflow_id, '${WorkflowTask.CONVERSATION_TIMER}',
    jsonb_build_object('workflowId', ids.workflow_id, 'conversationId', conv.id, 'kind', t.kind),
    t.fire_at, ${timerJobKeySql("conv.id", "t.kind")}, t.fire_at IS NULL
  FROM ids, conv, LATERAL (VALUES ('WARNING', conv.warning_at, (SELECT warning_at FROM prev)),
                                  ('TIMEOUT', conv.timeout_at, (SELECT timeout_at FROM prev))) AS t(kind, fire_at, previous)
  WHERE t.fire_at IS NOT NULL OR t.previous IS NOT NULL
  RETURNING 1
)
SELECT ids.conversation_id, ids.workflow_id, (SELECT id FROM msg) AS message_id, conv.inserted,
  (SELECT count(*) FROM timers)::int AS timers, ${SOMEONE_LISTENS_SQL} AS listened
FROM conv, ids
`;
