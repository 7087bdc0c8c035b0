/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation CreateConversation($input: CreateSmsConversationInput!) {\n  createSmsConversation(input: $input) {\n    message\n    conversationId\n    workflowId\n    conversation {\n      id\n      status\n      effectiveTimeoutConfig {\n        timeOut {\n          value\n          source\n        }\n        warningTime {\n          value\n          source\n        }\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nmutation ContinueConversation($userNumber: String!, $agentNumber: String!, $message: String!, $timeOut: Int) {\n  createSmsConversation(\n    input: {userNumber: $userNumber, agentNumber: $agentNumber, message: $message, sender: AGENT, timeOut: $timeOut}\n  ) {\n    conversationId\n    conversation {\n      timeoutAt\n      messages(last: 10) {\n        edges {\n          node {\n            id\n            sender\n            body\n            createdAt\n          }\n        }\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nquery ListConversations($first: Int = 20, $after: String) {\n  smsConversations(\n    first: $first\n    after: $after\n    filter: {status: ACTIVE}\n    orderBy: {field: UPDATED_AT, direction: DESC}\n  ) {\n    totalCount\n    edges {\n      cursor\n      node {\n        id\n        userNumber\n        agentNumber\n        status\n        updatedAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nsubscription OnMessageAdded($conversationId: ID) {\n  smsMessageAdded(conversationId: $conversationId) {\n    id\n    sender\n    kind\n    body\n    conversation {\n      id\n      status\n    }\n  }\n}": typeof types.CreateConversationDocument,
};
const documents: Documents = {
    "mutation CreateConversation($input: CreateSmsConversationInput!) {\n  createSmsConversation(input: $input) {\n    message\n    conversationId\n    workflowId\n    conversation {\n      id\n      status\n      effectiveTimeoutConfig {\n        timeOut {\n          value\n          source\n        }\n        warningTime {\n          value\n          source\n        }\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nmutation ContinueConversation($userNumber: String!, $agentNumber: String!, $message: String!, $timeOut: Int) {\n  createSmsConversation(\n    input: {userNumber: $userNumber, agentNumber: $agentNumber, message: $message, sender: AGENT, timeOut: $timeOut}\n  ) {\n    conversationId\n    conversation {\n      timeoutAt\n      messages(last: 10) {\n        edges {\n          node {\n            id\n            sender\n            body\n            createdAt\n          }\n        }\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nquery ListConversations($first: Int = 20, $after: String) {\n  smsConversations(\n    first: $first\n    after: $after\n    filter: {status: ACTIVE}\n    orderBy: {field: UPDATED_AT, direction: DESC}\n  ) {\n    totalCount\n    edges {\n      cursor\n      node {\n        id\n        userNumber\n        agentNumber\n        status\n        updatedAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nsubscription OnMessageAdded($conversationId: ID) {\n  smsMessageAdded(conversationId: $conversationId) {\n    id\n    sender\n    kind\n    body\n    conversation {\n      id\n      status\n    }\n  }\n}": types.CreateConversationDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateConversation($input: CreateSmsConversationInput!) {\n  createSmsConversation(input: $input) {\n    message\n    conversationId\n    workflowId\n    conversation {\n      id\n      status\n      effectiveTimeoutConfig {\n        timeOut {\n          value\n          source\n        }\n        warningTime {\n          value\n          source\n        }\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nmutation ContinueConversation($userNumber: String!, $agentNumber: String!, $message: String!, $timeOut: Int) {\n  createSmsConversation(\n    input: {userNumber: $userNumber, agentNumber: $agentNumber, message: $message, sender: AGENT, timeOut: $timeOut}\n  ) {\n    conversationId\n    conversation {\n      timeoutAt\n      messages(last: 10) {\n        edges {\n          node {\n            id\n            sender\n            body\n            createdAt\n          }\n        }\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nquery ListConversations($first: Int = 20, $after: String) {\n  smsConversations(\n    first: $first\n    after: $after\n    filter: {status: ACTIVE}\n    orderBy: {field: UPDATED_AT, direction: DESC}\n  ) {\n    totalCount\n    edges {\n      cursor\n      node {\n        id\n        userNumber\n        agentNumber\n        status\n        updatedAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nsubscription OnMessageAdded($conversationId: ID) {\n  smsMessageAdded(conversationId: $conversationId) {\n    id\n    sender\n    kind\n    body\n    conversation {\n      id\n      status\n    }\n  }\n}"): (typeof documents)["mutation CreateConversation($input: CreateSmsConversationInput!) {\n  createSmsConversation(input: $input) {\n    message\n    conversationId\n    workflowId\n    conversation {\n      id\n      status\n      effectiveTimeoutConfig {\n        timeOut {\n          value\n          source\n        }\n        warningTime {\n          value\n          source\n        }\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nmutation ContinueConversation($userNumber: String!, $agentNumber: String!, $message: String!, $timeOut: Int) {\n  createSmsConversation(\n    input: {userNumber: $userNumber, agentNumber: $agentNumber, message: $message, sender: AGENT, timeOut: $timeOut}\n  ) {\n    conversationId\n    conversation {\n      timeoutAt\n      messages(last: 10) {\n        edges {\n          node {\n            id\n            sender\n            body\n            createdAt\n          }\n        }\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nquery ListConversations($first: Int = 20, $after: String) {\n  smsConversations(\n    first: $first\n    after: $after\n    filter: {status: ACTIVE}\n    orderBy: {field: UPDATED_AT, direction: DESC}\n  ) {\n    totalCount\n    edges {\n      cursor\n      node {\n        id\n        userNumber\n        agentNumber\n        status\n        updatedAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nsubscription OnMessageAdded($conversationId: ID) {\n  smsMessageAdded(conversationId: $conversationId) {\n    id\n    sender\n    kind\n    body\n    conversation {\n      id\n      status\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;