/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A messaging channel of an agent number, each with its own timeout defaults. */
export type AgentNumberChannel =
  /** `smsConfig`: the defaults of SMS conversations. */
  | 'SMS'
  /** `whatsappConfig`: the defaults of WhatsApp conversations. */
  | 'WHATSAPP';

/** A message to record, starting or continuing a conversation. Mirrors `POST /v1/sms/create`. Every string, and every key and string inside `requestData`, must be Unicode text without NUL (U+0000) or unpaired surrogates (U+D800 to U+DFFF); lengths are in characters, counted as Unicode code points. */
export type CreateSmsConversationInput = {
  /** E.164 number of the agent; must be registered to the calling account. */
  agentNumber: string;
  /** The conversation's channel: a pair has one conversation per channel (SMS and WhatsApp are separate), whose timeout defaults come from the agent number's config of that channel (`smsConfig` or `whatsappConfig`). Default SMS. */
  channel?: AgentNumberChannel | null | undefined;
  /** UUID of the current pathway. */
  currPathwayId?: string | null | undefined;
  /** Version of the pathway to use, e.g. "latest" or "v1.0"; at most 256 characters, counted as Unicode code points. */
  currPathwayVersion?: string | null | undefined;
  /** Id of the pathway node where the conversation is; at most 256 characters, counted as Unicode code points. */
  currentNodeId?: string | null | undefined;
  /** The message to store in the conversation history: 1 to 1600 characters, counted as Unicode code points (👍 is 1, ❤️ is 2). */
  message: string;
  /** Provider message SID (up to 64 visible ASCII characters). Makes the call idempotent: a repeat returns the original ids and writes nothing. */
  messageSid?: string | null | undefined;
  /** Archive the active conversation between these numbers, if any, and start a new one. */
  newConversation?: boolean | null | undefined;
  /** Metadata for custom routing or analytics: a JSON object of at most 16 KiB, nested at most 32 levels deep. Replaces the stored one when given. */
  requestData?: Record<string, unknown> | null | undefined;
  /** Who sent this message. */
  sender?: SmsSender | null | undefined;
  /** Seconds of user silence after an agent message before the timeout flow ends the conversation. Overrides the number's config and persists on the conversation. */
  timeOut?: number | null | undefined;
  /** Sent when the timeout fires; 1 to 1600 characters, counted as Unicode code points. Overrides the number's config. */
  timeoutMessage?: string | null | undefined;
  /** E.164 number of the user, e.g. `+14155550123`. */
  userNumber: string;
  /** Sent at `warningTime`; 1 to 1600 characters, counted as Unicode code points. Overrides the number's config. */
  warningMessage?: string | null | undefined;
  /** Seconds of user silence before the warning message; less than the effective `timeOut`. Overrides the number's config. */
  warningTime?: number | null | undefined;
};

/** Lifecycle of a conversation. */
export type SmsConversationStatus =
  /** Receiving messages. At most one per account, agent number and user number. */
  | 'ACTIVE'
  /** Replaced by a newer conversation (`newConversation: true`). */
  | 'ARCHIVED'
  /** Ended by the silence-timeout flow. */
  | 'TIMED_OUT';

/** What produced a message. */
export type SmsMessageKind =
  /** Parley's reply to HELP or INFO. */
  | 'HELP_REPLY'
  /** A message of the conversation, sent by the user or the agent. */
  | 'NORMAL'
  /** Parley's reply to an opt-in keyword (START, UNSTOP, YES): the user is opted back in. */
  | 'OPT_IN_CONFIRMATION'
  /** Parley's reply to an opt-out keyword (STOP, …): the user is opted out of the agent number. */
  | 'OPT_OUT_CONFIRMATION'
  /** Sent by the timeout flow when it ended the conversation. */
  | 'TIMEOUT_END'
  /** Sent by the timeout flow after `warningTime` seconds of user silence. */
  | 'TIMEOUT_WARNING';

/** Who sent a message. */
export type SmsSender =
  /** The AI agent. */
  | 'AGENT'
  /** The person texting the agent. */
  | 'USER';

/** Where an effective timeout setting comes from. */
export type TimeoutConfigSource =
  /** The conversation's own override. */
  | 'CONVERSATION'
  /** Set nowhere. */
  | 'NONE'
  /** The agent number's `smsConfig`. */
  | 'NUMBER_CONFIG';

/** Why a mutation refused its input. The caller can fix each of these. */
export type UserErrorCode =
  /** The agent number is not registered to the calling account. */
  | 'AGENT_NUMBER_NOT_FOUND'
  /** The `idempotencyKey` of a send was already used for a different message. */
  | 'IDEMPOTENCY_KEY_CONFLICT'
  /** A value failed validation (format, length or range); the message names the rule. */
  | 'INVALID_INPUT'
  /** `warningTime` is not less than the effective `timeOut`, or there is no `timeOut` to warn before. */
  | 'INVALID_TIMEOUT_CONFIG'
  /** The `messageSid` was already used for a different message. */
  | 'MESSAGE_SID_CONFLICT'
  /** The user opted out (STOP, …) of the agent number and has not opted back in (START, UNSTOP, YES): agent messages are refused. */
  | 'RECIPIENT_OPTED_OUT';

export type CreateConversationMutationVariables = Exact<{
  input: CreateSmsConversationInput;
}>;


export type CreateConversationMutation = { createSmsConversation: { message: string | null, conversationId: string | null, workflowId: string | null, conversation: { id: string, status: SmsConversationStatus, effectiveTimeoutConfig: { timeOut: { value: number | null, source: TimeoutConfigSource }, warningTime: { value: number | null, source: TimeoutConfigSource } } } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type ContinueConversationMutationVariables = Exact<{
  userNumber: string;
  agentNumber: string;
  message: string;
  timeOut?: number | null | undefined;
}>;


export type ContinueConversationMutation = { createSmsConversation: { conversationId: string | null, conversation: { timeoutAt: string | null, messages: { edges: Array<{ node: { id: string, sender: SmsSender, body: string, createdAt: string } }> } } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type ListConversationsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ListConversationsQuery = { smsConversations: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, userNumber: string, agentNumber: string, status: SmsConversationStatus, updatedAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type OnMessageAddedSubscriptionVariables = Exact<{
  conversationId?: string | number | null | undefined;
}>;


export type OnMessageAddedSubscription = { smsMessageAdded: { id: string, sender: SmsSender, kind: SmsMessageKind, body: string, conversation: { id: string, status: SmsConversationStatus } } };


export const CreateConversationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateConversation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSmsConversationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSmsConversation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"conversationId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowId"}},{"kind":"Field","name":{"kind":"Name","value":"conversation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveTimeoutConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timeOut"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}},{"kind":"Field","name":{"kind":"Name","value":"warningTime"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateConversationMutation, CreateConversationMutationVariables>;
export const ContinueConversationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContinueConversation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userNumber"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"agentNumber"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"message"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"timeOut"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSmsConversation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"userNumber"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userNumber"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"agentNumber"},"value":{"kind":"Variable","name":{"kind":"Name","value":"agentNumber"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"message"},"value":{"kind":"Variable","name":{"kind":"Name","value":"message"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"sender"},"value":{"kind":"EnumValue","value":"AGENT"}},{"kind":"ObjectField","name":{"kind":"Name","value":"timeOut"},"value":{"kind":"Variable","name":{"kind":"Name","value":"timeOut"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationId"}},{"kind":"Field","name":{"kind":"Name","value":"conversation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timeoutAt"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sender"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ContinueConversationMutation, ContinueConversationMutationVariables>;
export const ListConversationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListConversations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"smsConversations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"ACTIVE"}}]}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"UPDATED_AT"}},{"kind":"ObjectField","name":{"kind":"Name","value":"direction"},"value":{"kind":"EnumValue","value":"DESC"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"userNumber"}},{"kind":"Field","name":{"kind":"Name","value":"agentNumber"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ListConversationsQuery, ListConversationsQueryVariables>;
export const OnMessageAddedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"OnMessageAdded"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"conversationId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"smsMessageAdded"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"conversationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"conversationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sender"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"conversation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<OnMessageAddedSubscription, OnMessageAddedSubscriptionVariables>;