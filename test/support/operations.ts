/** The GraphQL documents the tests send, written as a client would. */

export const CONVERSATION_FIELDS = `
  id userNumber agentNumber status currPathwayId currPathwayVersion currentNodeId requestData
  timeoutConfig { timeOut warningTime timeoutMessage warningMessage }
  effectiveTimeoutConfig {
    timeOut { value source } warningTime { value source }
    timeoutMessage { value source } warningMessage { value source }
  }
  workflow { id status pendingTimer { kind fireAt } attempts lastError updatedAt }
  warningAt timeoutAt timedOutAt
  createdAt updatedAt archivedAt
`;

export const CREATE = `
  mutation Create($input: CreateSmsConversationInput!) {
    createSmsConversation(input: $input) {
      message conversationId workflowId
      conversation { ${CONVERSATION_FIELDS} }
      archivedConversation { id status archivedAt }
      userErrors { code field message }
    }
  }
`;

export const CONVERSATION = `
  query Conversation($id: ID!, $first: Int, $after: String) {
    smsConversation(id: $id) {
      ${CONVERSATION_FIELDS}
      messages(first: $first, after: $after) {
        edges { cursor node { id sender kind body messageSid deliveryStatus createdAt webhookAttempts { attempt attemptedAt statusCode latencyMs error } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

/** The README's documented read: a page of conversations with their latest 20 messages, agent number, effective config and workflow. */
export const PAGE = `
  query Page($first: Int!) {
    smsConversations(first: $first, orderBy: { field: UPDATED_AT, direction: DESC }) {
      totalCount
      edges {
        node {
          id status userNumber
          agent { number conversationCount smsConfig { timeOut } }
          effectiveTimeoutConfig { timeOut { value source } warningTime { value source } }
          workflow { id status pendingTimer { kind fireAt } }
          messages(last: 20) {
            edges { node { id body sender webhookAttempts { attempt } conversation { id } } }
            pageInfo { hasPreviousPage }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const SEND = `
  mutation Send($input: SendSmsMessageInput!) {
    sendSmsMessage(input: $input) {
      conversationId workflowId
      message { id sender kind body messageSid deliveryStatus createdAt }
      conversation { ${CONVERSATION_FIELDS} }
      archivedConversation { id status archivedAt }
      userErrors { code field message }
    }
  }
`;
