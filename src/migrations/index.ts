import { InitialSchema1795815628623 } from "./1795815628623-InitialSchema";
import { TimeoutFlow1795816793422 } from "./1795816793422-TimeoutFlow";
import { QueryIndexes1795818067211 } from "./1795818067211-QueryIndexes";
import { OutboxWorkflowOptional1795818845588 } from "./1795818845588-OutboxWorkflowOptional";
import { WorkflowPendingIndex1795900000000 } from "./1795900000000-WorkflowPendingIndex";
import { EventListeners1796000000000 } from "./1796000000000-EventListeners";
import { ConversationAgentNumberKey1796100000000 } from "./1796100000000-ConversationAgentNumberKey";
import { ApiKeyBudget1796200000000 } from "./1796200000000-ApiKeyBudget";
import { TimerJobTimes1796250000000 } from "./1796250000000-TimerJobTimes";
import { MessageIdempotencyKey1796304815000 } from "./1796304815000-MessageIdempotencyKey";
import { ApiKeyNameAndLastUse1796310000000 } from "./1796310000000-ApiKeyNameAndLastUse";
import { OutboxTraceparent1796320000000 } from "./1796320000000-OutboxTraceparent";
import { RecipientOptOut1796400000000 } from "./1796400000000-RecipientOptOut";
import { ConversationChannel1796400000001 } from "./1796400000001-ConversationChannel";

/** Every migration, oldest first; run at start-up and by `npm run migration:run`. */
export const migrations = [
  InitialSchema1795815628623,
  TimeoutFlow1795816793422,
  QueryIndexes1795818067211,
  OutboxWorkflowOptional1795818845588,
  WorkflowPendingIndex1795900000000,
  EventListeners1796000000000,
  ConversationAgentNumberKey1796100000000,
  ApiKeyBudget1796200000000,
  TimerJobTimes1796250000000,
  MessageIdempotencyKey1796304815000,
  ApiKeyNameAndLastUse1796310000000,
  OutboxTraceparent1796320000000,
  RecipientOptOut1796400000000,
  ConversationChannel1796400000001,
];
