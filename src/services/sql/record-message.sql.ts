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
 * Used when no rule needs the stored conversation first: no newConversation, no timeOut or
 * warningTime in the request. Timers are computed here from the conversation's overrides, else
 * the number's smsConfig (as planTimers does).
 *
 *  $1 account_id   $2 agent_number_id  $3 agent_number  $4 user_number  $5 sender
 *  $6 body         $7 message_sid      $8 curr_pathway_id  $9 curr_pathway_version
 * $10 current_node_id  $11 request_data  $12 timeout_message  $13 warning_message
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
    curr_pathway_version, current_node_id, request_data, timeout_message, warning_message, warning_at, timeout_at)
  SELECT gen_random_uuid(), $1, $2, $3, $4, 'ACTIVE', $8, $9, $10, $11, $12, $13,
    CASE WHEN $5 = 'AGENT' AND cfg.time_out IS NOT NULL AND cfg.warning_time < cfg.time_out
      THEN now() + make_interval(secs => cfg.warning_time) END,
    CASE WHEN $5 = 'AGENT' AND cfg.time_out IS NOT NULL THEN now() + make_interval(secs => cfg.time_out) END
  FROM (SELECT 1) one LEFT JOIN cfg ON true
  ON CONFLICT (account_id, agent_number_id, user_number) WHERE status = 'ACTIVE' DO UPDATE SET
    curr_pathway_id = COALESCE(EXCLUDED.curr_pathway_id, c.curr_pathway_id),
    curr_pathway_version = COALESCE(EXCLUDED.curr_pathway_version, c.curr_pathway_version),
    current_node_id = COALESCE(EXCLUDED.current_node_id, c.current_node_id),
    request_data = COALESCE(EXCLUDED.request_data, c.request_data),
    timeout_message = COALESCE(EXCLUDED.timeout_message, c.timeout_message),
    warning_message = COALESCE(EXCLUDED.warning_message, c.warning_message),
    warning_at = CASE WHEN $5 = 'AGENT'
        AND COALESCE(c.time_out, (SELECT time_out FROM cfg)) IS NOT NULL
        AND COALESCE(c.warning_time, (SELECT warning_time FROM cfg)) < COALESCE(c.time_out, (SELECT time_out FROM cfg))
      THEN now() + make_interval(secs => COALESCE(c.warning_time, (SELECT warning_time FROM cfg))) END,
    timeout_at = CASE WHEN $5 = 'AGENT' AND COALESCE(c.time_out, (SELECT time_out FROM cfg)) IS NOT NULL
      THEN now() + make_interval(secs => COALESCE(c.time_out, (SELECT time_out FROM cfg))) END,
    updated_at = now()
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
  SELECT ids.workflow_id, 'conversation.timer',
    jsonb_build_object('workflowId', ids.workflow_id, 'conversationId', conv.id, 'kind', t.kind),
    t.fire_at, 'timer:' || conv.id || ':' || lower(t.kind), t.fire_at IS NULL
  FROM ids, conv, LATERAL (VALUES ('WARNING', conv.warning_at, (SELECT warning_at FROM prev)),
                                  ('TIMEOUT', conv.timeout_at, (SELECT timeout_at FROM prev))) AS t(kind, fire_at, previous)
  WHERE t.fire_at IS NOT NULL OR t.previous IS NOT NULL
  RETURNING 1
)
SELECT ids.conversation_id, ids.workflow_id, (SELECT id FROM msg) AS message_id, conv.inserted,
  (SELECT count(*) FROM timers)::int AS timers
FROM conv, ids
`;
