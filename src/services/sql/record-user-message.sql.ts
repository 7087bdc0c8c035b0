import { KEEP_OMITTED_FIELDS, messageAndWorkflow } from "./record-message.sql";

/**
 * RECORD_MESSAGE_SQL for the most common call: a USER message that sets no timeOut/warningTime.
 * Such a message only cancels timers (planTimers), so the statement never reads the number's
 * smsConfig and plans nothing. It has the same effect as the general statement on the same
 * input; it exists because PostgreSQL initialises every node of a plan on every execution, used
 * or not: this one runs ~1.5 times as many executions per second (docs/PERFORMANCE.md).
 *
 * A conversation that had pending timers gets a removal row per timer in the outbox, as
 * WorkflowService.scheduleTimers writes them; `prev` reads them as of the statement's snapshot.
 * A timer scheduled by a transaction that commits in between is not removed here: its job then
 * finds the timer cleared and does nothing (TimeoutFlowService.fireTimer).
 *
 *  $1 account_id   $2 agent_number_id  $3 agent_number  $4 user_number  $5 body  $6 message_sid
 *  $7 curr_pathway_id  $8 curr_pathway_version  $9 current_node_id  $10 request_data
 * $11 timeout_message  $12 warning_message
 */
export const RECORD_USER_MESSAGE_SQL = `
WITH prev AS (
  SELECT id, warning_at, timeout_at FROM sms_conversation
  WHERE account_id = $1 AND agent_number_id = $2 AND user_number = $4 AND status = 'ACTIVE'
),
conv AS (
  INSERT INTO sms_conversation AS c (
    id, account_id, agent_number_id, agent_number, user_number, status, curr_pathway_id,
    curr_pathway_version, current_node_id, request_data, timeout_message, warning_message)
  VALUES (gen_random_uuid(), $1, $2, $3, $4, 'ACTIVE', $7, $8, $9, $10, $11, $12)
  ON CONFLICT (account_id, agent_number_id, user_number) WHERE status = 'ACTIVE' DO UPDATE SET
    ${KEEP_OMITTED_FIELDS},
    warning_at = NULL,
    timeout_at = NULL,
    updated_at = now()
  RETURNING c.id, (c.xmax = 0) AS inserted
),
${messageAndWorkflow({ sender: "'USER'", body: "$5", messageSid: "$6" })},
cancelled AS (
  INSERT INTO workflow_outbox (workflow_id, task, payload, run_at, job_key, remove_job)
  SELECT ids.workflow_id, 'conversation.timer', '{}', NULL, 'timer:' || ids.conversation_id || ':' || t.kind, true
  FROM ids, prev,
    LATERAL (VALUES ('warning', prev.warning_at), ('timeout', prev.timeout_at)) AS t(kind, pending)
  WHERE t.pending IS NOT NULL
  RETURNING 1
)
SELECT ids.conversation_id, ids.workflow_id, (SELECT id FROM msg) AS message_id, conv.inserted,
  (SELECT count(*) FROM cancelled)::int AS timers
FROM conv, ids
`;
