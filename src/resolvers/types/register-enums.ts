import { registerEnumType } from "type-graphql";
import { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { SmsMessageKind } from "../../entities/sms-message-kind.enum";
import { SmsSender } from "../../entities/sms-sender.enum";
import { WorkflowStatus } from "../../entities/workflow-status.enum";
import { TimeoutConfigSource } from "../../services/timeout-config";
import { UserErrorCode } from "../../services/user-error-code.enum";

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
  },
});

registerEnumType(WorkflowStatus, {
  name: "WorkflowStatus",
  description: "State of a conversation's workflow.",
  valuesConfig: {
    PENDING: { description: "Created with the conversation; setup not yet run." },
    RUNNING: { description: "Set up and processing the conversation." },
    COMPLETED: { description: "The conversation ended; nothing more to do." },
    FAILED: { description: "A task failed for good." },
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
  },
});
