import { SOMEONE_LISTENS_SQL } from "../../../events/event-listeners";
import { timerJobKeySql, WorkflowTask } from "../../workflows/workflow-contract";
import { KEEP_OMITTED_FIELDS } from "./record-message.sql";

/**
 * RECORD_MESSAGE_SQL for the most common call — a USER message that sets no timeOut/warningTime —
 * for many calls at once (see UserMessageRecorder): one statement, so one commit, one round trip
 * and one executor start-up for the whole batch. Per call it has the general statement's effect:
 * continue the pair's ACTIVE conversation or start one (its workflow PENDING, the durable
 * trigger), record the message, and write a removal row per timer that was pending. Such a
 * message only cancels timers (planTimers), so the number's smsConfig is never read.
 *
 * The calls of one statement must be for distinct pairs (ON CONFLICT may not update a row twice)
 * and distinct messageSids. Rows are written in key order — conversations by pair, messages by
 * messageSid — so two statements that share pairs or SIDs lock them in the same order and cannot
 * deadlock each other.
 * `prev` reads pending timers as of the statement's snapshot; a timer scheduled by a transaction
 * that commits in between is not removed here, and its job then finds the timer cleared and does
 * nothing (TimeoutFlowService.fireTimer).
 *
 * Every parameter is an array with one element per call, in this order:
 *  $1 account_id   $2 agent_number_id  $3 agent_number  $4 user_number  $5 body  $6 message_sid
 *  $7 curr_pathway_id  $8 curr_pathway_version  $9 current_node_id  $10 request_data
 * $11 timeout_message  $12 warning_message
 * It returns a row per call; `n` is the call's position, from 1; `listened`, whether some process
 * has subscribers (as of the statement's snapshot) and the call's events are worth publishing.
 */
export const RECORD_USER_MESSAGES_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
      $7::uuid[], $8::text[], $9::text[], $10::jsonb[], $11::text[], $12::text[])
    WITH ORDINALITY AS i(account_id, agent_number_id, agent_number, user_number, body, message_sid,
      curr_pathway_id, curr_pathway_version, current_node_id, request_data, timeout_message, warning_message, n)
),
prev AS (
  SELECT i.n, s.warning_at, s.timeout_at FROM input i JOIN sms_conversation s
    ON s.account_id = i.account_id AND s.agent_number_id = i.agent_number_id AND s.user_number = i.user_number
  WHERE s.status = 'ACTIVE'
),
conv AS (
  INSERT INTO sms_conversation AS c (
    id, account_id, agent_number_id, agent_number, user_number, status, curr_pathway_id,
    curr_pathway_version, current_node_id, request_data, timeout_message, warning_message)
  SELECT gen_random_uuid(), account_id, agent_number_id, agent_number, user_number, 'ACTIVE', curr_pathway_id,
    curr_pathway_version, current_node_id, request_data, timeout_message, warning_message
  FROM input ORDER BY account_id, agent_number_id, user_number
  ON CONFLICT (account_id, agent_number_id, user_number) WHERE status = 'ACTIVE' DO UPDATE SET
    ${KEEP_OMITTED_FIELDS},
    warning_at = NULL,
    timeout_at = NULL,
    updated_at = now()
  RETURNING c.id, c.account_id, c.agent_number_id, c.user_number, (c.xmax = 0) AS inserted
),
calls AS (
  SELECT i.n, i.account_id, i.body, i.message_sid, conv.id AS conversation_id, conv.inserted
  FROM conv JOIN input i
    ON i.account_id = conv.account_id AND i.agent_number_id = conv.agent_number_id AND i.user_number = conv.user_number
),
msg AS (
  INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body, message_sid)
  SELECT gen_random_uuid(), conversation_id, account_id, 'USER', 'NORMAL', body, message_sid FROM calls ORDER BY account_id, message_sid
  RETURNING id, conversation_id
),
wf AS (
  INSERT INTO workflow (id, conversation_id, status)
  SELECT gen_random_uuid(), conversation_id, 'PENDING' FROM calls WHERE inserted
  RETURNING id, conversation_id
),
ids AS (
  SELECT calls.n, calls.conversation_id, calls.inserted, COALESCE(wf.id, w.id) AS workflow_id
  FROM calls
    LEFT JOIN wf ON wf.conversation_id = calls.conversation_id
    LEFT JOIN workflow w ON w.conversation_id = calls.conversation_id
),
cancelled AS (
  INSERT INTO workflow_outbox (workflow_id, task, payload, run_at, job_key, remove_job)
  SELECT ids.workflow_id, '${WorkflowTask.CONVERSATION_TIMER}', '{}', NULL, ${timerJobKeySql("ids.conversation_id", "t.kind")}, true
  FROM ids JOIN prev ON prev.n = ids.n,
    LATERAL (VALUES ('warning', prev.warning_at), ('timeout', prev.timeout_at)) AS t(kind, pending)
  WHERE t.pending IS NOT NULL
)
SELECT ids.n::int, ids.conversation_id, ids.workflow_id, msg.id AS message_id, ids.inserted,
  (prev.warning_at IS NOT NULL)::int + (prev.timeout_at IS NOT NULL)::int AS timers,
  ${SOMEONE_LISTENS_SQL} AS listened
FROM ids JOIN msg ON msg.conversation_id = ids.conversation_id LEFT JOIN prev ON prev.n = ids.n
`;
