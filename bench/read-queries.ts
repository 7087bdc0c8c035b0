/*
 * The two reads of `npm run bench`, in the form each server answers: Parley's schema (which the
 * hand-written yoga peer copies, so both get the same text) and PostGraphile's own. The same
 * rows either way: one conversation with its latest 20 messages; the account's newest 50
 * conversations, each with its agent number and latest message.
 */

export const READ_ONE =
  "query($id: ID!) { smsConversation(id: $id) { id status messages(last: 20) { edges { node { id sender body createdAt } } } } }";
export const READ_PAGE =
  "query { smsConversations(first: 50) { edges { cursor node { id userNumber status updatedAt agent { number } messages(last: 1) { edges { node { id body createdAt } } } } } pageInfo { hasNextPage endCursor } } }";

/*
 * PostGraphile's forms. Tenancy is the `accountId` condition (it has no API keys); orders name
 * the id last, as Parley's do, so each reads along the same index. Its `id` is its Node ID
 * (base64 of type and key), its counterpart of Parley's `conv_…` ids.
 */
export const POSTGRAPHILE_READ_ONE =
  "query($id: UUID!, $accountId: UUID!) { allSmsConversations(condition: { rowId: $id, accountId: $accountId }) { nodes { id status smsMessagesByConversationId(first: 20, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { edges { node { id sender body createdAt } } } } } }";
export const POSTGRAPHILE_READ_PAGE =
  "query($accountId: UUID!) { allSmsConversations(first: 50, condition: { accountId: $accountId }, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { edges { cursor node { id userNumber status updatedAt agentNumberByAgentNumberIdAndAccountId { number } smsMessagesByConversationId(first: 1, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { edges { node { id body createdAt } } } } } pageInfo { hasNextPage endCursor } } }";

export type ReadKind = "one" | "page";
export type SchemaForm = "parley" | "postgraphile";

export const READ_LABELS: Record<ReadKind, string> = {
  one: "smsConversation(id) + 20 messages",
  page: "smsConversations(first: 50) + agent, 1 message",
};

/** Per conversation in the answer, how many message edges it holds; a string saying what is wrong when the answer is not one. */
export function messageCounts(form: SchemaForm, read: ReadKind, body: string): number[] | string {
  type Messages = { edges: unknown[] };
  let parsed: { data?: Record<string, unknown> | null; errors?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  if (parsed.errors || !parsed.data) return `no data: ${body.slice(0, 300)}`;
  const data = parsed.data as Record<string, Record<string, unknown> | null>;
  const conversations: Array<Record<string, unknown> | null | undefined> =
    form === "parley"
      ? read === "one"
        ? [data.smsConversation]
        : ((data.smsConversations?.edges as Array<{ node: Record<string, unknown> }> | undefined) ?? []).map((edge) => edge.node)
      : read === "one"
        ? ((data.allSmsConversations?.nodes as Array<Record<string, unknown>> | undefined) ?? [])
        : ((data.allSmsConversations?.edges as Array<{ node: Record<string, unknown> }> | undefined) ?? []).map((edge) => edge.node);
  const field = form === "parley" ? "messages" : "smsMessagesByConversationId";
  return conversations.map((conversation) => (conversation?.[field] as Messages | undefined)?.edges.length ?? -1);
}
