import { registerEnumType } from "type-graphql";
import { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { SmsMessageKind } from "../../entities/sms-message-kind.enum";
import { SmsSender } from "../../entities/sms-sender.enum";
import { WorkflowStatus } from "../../entities/workflow-status.enum";
import { DeliveryStatus } from "../../entities/delivery-status.enum";
import { AgentNumberChannel } from "../../services/agent-numbers/agent-number-channel.enum";
import { OrderDirection, SmsConversationOrderField } from "../../services/conversations/conversation-order";
import { TimerKind } from "../../services/workflows/workflow-contract";
import { TimeoutConfigSource } from "../../services/shared/timeout-rules.sql";
import { UserErrorCode } from "../../services/shared/user-error-code.enum";

registerEnumType(SmsSender, {
  name: "SmsSender",
  description: "Who sent a message.",
  valuesConfig: { USER: { description: "The person texting the agent." }, AGENT: { description: "The AI agent." } },
});

registerEnumType(SmsConversationStatus, {
  name: "SmsConversationStatus",
  description: "Lifecycle of a conversation.",
  valuesConfig: {
    ACTIVE: { description: "Receiving messages. At most one per account, agent number and user number." },
    ARCHIVED: { description: "Replaced by a newer conversation (`newConversation: true`)." },
    TIMED_OUT: { description: "Ended by the silence-timeout flow." },
  },
});

registerEnumType(SmsMessageKind, {
  name: "SmsMessageKind",
  description: "What produced a message.",
  valuesConfig: {
    NORMAL: { description: "A message of the conversation, sent by the user or the agent." },
    TIMEOUT_WARNING: { description: "Sent by the timeout flow after `warningTime` seconds of user silence." },
    TIMEOUT_END: { description: "Sent by the timeout flow when it ended the conversation." },
    OPT_OUT_CONFIRMATION: { description: "Parley's reply to an opt-out keyword (STOP, …): the user is opted out of the agent number." },
    OPT_IN_CONFIRMATION: { description: "Parley's reply to an opt-in keyword (START, UNSTOP, YES): the user is opted back in." },
    HELP_REPLY: { description: "Parley's reply to HELP or INFO." },
  },
});

registerEnumType(WorkflowStatus, {
  name: "WorkflowStatus",
  description: "State of a conversation's workflow.",
  valuesConfig: {
    PENDING: { description: "Created with the conversation; setup not yet run." },
    RUNNING: { description: "Set up and processing the conversation." },
    COMPLETED: { description: "The conversation ended; nothing more to do." },
    FAILED: { description: "A task (a timer) failed on its last attempt; `lastError` says why. Nothing runs it again." },
  },
});

registerEnumType(TimeoutConfigSource, {
  name: "TimeoutConfigSource",
  description: "Where an effective timeout setting comes from.",
  valuesConfig: {
    CONVERSATION: { description: "The conversation's own override." },
    NUMBER_CONFIG: { description: "The agent number's `smsConfig`." },
    NONE: { description: "Set nowhere." },
  },
});

registerEnumType(UserErrorCode, {
  name: "UserErrorCode",
  description: "Why a mutation refused its input. The caller can fix each of these.",
  valuesConfig: {
    INVALID_INPUT: { description: "A value failed validation (format, length or range); the message names the rule." },
    INVALID_TIMEOUT_CONFIG: {
      description: "`warningTime` is not less than the effective `timeOut`, or there is no `timeOut` to warn before.",
    },
    AGENT_NUMBER_NOT_FOUND: { description: "The agent number is not registered to the calling account." },
    MESSAGE_SID_CONFLICT: { description: "The `messageSid` was already used for a different message." },
    IDEMPOTENCY_KEY_CONFLICT: { description: "The `idempotencyKey` of a send was already used for a different message." },
    RECIPIENT_OPTED_OUT: {
      description:
        "The user opted out (STOP, …) of the agent number and has not opted back in (START, UNSTOP, YES): agent messages are refused.",
    },
  },
});

registerEnumType(TimerKind, {
  name: "TimerKind",
  description: "The timers of the silence-timeout flow.",
  valuesConfig: {
    WARNING: { description: "Sends the warning message after `warningTime` seconds of user silence." },
    TIMEOUT: { description: "Sends the timeout message and ends the conversation after `timeOut` seconds." },
  },
});

registerEnumType(DeliveryStatus, {
  name: "DeliveryStatus",
  description: "Where delivery of a message Parley sends stands.",
  valuesConfig: {
    QUEUED: { description: "Waiting for an SMS provider to pick it up, or for the account's webhook to accept it." },
    SENT: { description: "Accepted by the webhook (a 2xx answer) or sent by the provider." },
    FAILED: { description: "The webhook refused it on every attempt." },
  },
});

registerEnumType(AgentNumberChannel, {
  name: "AgentNumberChannel",
  description: "A messaging channel of an agent number, each with its own timeout defaults.",
  valuesConfig: {
    SMS: { description: "`smsConfig`: the defaults of SMS conversations." },
    WHATSAPP: { description: "`whatsappConfig`: the defaults of WhatsApp conversations." },
  },
});

registerEnumType(SmsConversationOrderField, {
  name: "SmsConversationOrderField",
  description: "A timestamp conversations can be ordered by.",
  valuesConfig: {
    CREATED_AT: { description: "When the conversation started. Stable: new conversations never shift a walk's pages." },
    UPDATED_AT: {
      description: "When the conversation last changed (its latest message). An inbox order; conversations move as they get messages.",
    },
  },
});

registerEnumType(OrderDirection, {
  name: "OrderDirection",
  description: "A sort direction.",
  valuesConfig: { ASC: { description: "Oldest first." }, DESC: { description: "Newest first." } },
});
