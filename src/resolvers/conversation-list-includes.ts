import type { GraphQLResolveInfo } from "graphql";
import { parseResolveInfo, type ResolveTree } from "graphql-parse-resolve-info";
import type { ConversationListIncludes } from "../services/conversations/sms-conversation-query.service";
import { type PageRequest, toPageRequest } from "../services/shared/pagination";

/** The fields named `name` (under any alias) of the object type `type` in a selection. */
const selected = (tree: ResolveTree, type: string, name: string): ResolveTree[] =>
  Object.values(tree.fieldsByTypeName[type] ?? {}).filter((field) => field.name === name);

/**
 * What a `smsConversations` selection asks of each conversation that the list's own statement can
 * read with the page (ConversationListIncludes): `edges.node.agent`, and `edges.node.messages`
 * without a cursor, read ahead from the selection (fragments, variables and @include/@skip
 * applied). So a page's nested fields cost no statement of their own; a nested field this leaves
 * out is still loaded by its field resolver (one statement per field per page).
 */
export function conversationListIncludes(info: GraphQLResolveInfo): ConversationListIncludes {
  const list = parseResolveInfo(info) as ResolveTree | null | undefined;
  if (!list) return {};
  const nodes = selected(list, "SmsConversationConnection", "edges").flatMap((edges) => selected(edges, "SmsConversationEdge", "node"));
  const pages = new Map<string, PageRequest>();
  for (const messages of nodes.flatMap((node) => selected(node, "SmsConversation", "messages"))) {
    let request: PageRequest;
    try {
      request = toPageRequest(messages.args);
    } catch {
      continue; // Refused by the field's own resolver, with its error.
    }
    if (request.cursor === null) pages.set(`${request.size}:${request.forward}`, request);
  }
  return { agentNumbers: process.env.X_AGENT === "1" && nodes.some((node) => selected(node, "SmsConversation", "agent").length > 0), messagePages: [...pages.values()] };
}
