import type { GraphQLResolveInfo } from "graphql";
import { parseResolveInfo, type ResolveTree } from "graphql-parse-resolve-info";
import type { ConversationIncludes, IncludedRows } from "../services/conversations/sms-conversation-query.service";
import { type PageRequest, toPageRequest } from "../services/shared/pagination";
import type { Loaders } from "./loaders";

/*
 * Reading ahead: what a selection asks of each conversation that the conversations' own statement
 * can read with them (ConversationIncludes): `agent`, and `messages` without a cursor, found in
 * the selection with fragments, variables and @include/@skip applied. So nested fields cost no
 * statement of their own; a nested field this leaves out is still loaded by its field resolver
 * (one statement per field, whatever the number of conversations).
 */

/** The fields named `name` (under any alias) of the object type `type` in a selection. */
const selected = (tree: ResolveTree, type: string, name: string): ResolveTree[] =>
  Object.values(tree.fieldsByTypeName[type] ?? {}).filter((field) => field.name === name);

/** Message page shapes read ahead, at most: each is a column of the statement; more are left to the field resolver. */
const MAX_INCLUDED_PAGES = 2;

function includesOf(conversations: ResolveTree[]): ConversationIncludes {
  const pages = new Map<string, PageRequest>();
  for (const messages of conversations.flatMap((conversation) => selected(conversation, "SmsConversation", "messages"))) {
    let request: PageRequest;
    try {
      request = toPageRequest(messages.args);
    } catch {
      continue; // Refused by the field's own resolver, with its error.
    }
    if (request.cursor === null && (pages.size < MAX_INCLUDED_PAGES || pages.has(`${request.size}:${request.forward}`)))
      pages.set(`${request.size}:${request.forward}`, request);
  }
  return {
    agentNumbers: conversations.some((conversation) => selected(conversation, "SmsConversation", "agent").length > 0),
    messagePages: [...pages.values()],
  };
}

/** What the selection of a field returning one SmsConversation (`smsConversation`) asks of it. */
export function conversationIncludes(info: GraphQLResolveInfo): ConversationIncludes {
  const conversation = parseResolveInfo(info) as ResolveTree | null | undefined;
  return conversation ? includesOf([conversation]) : {};
}

/** What the selection of a SmsConversationConnection (`smsConversations`) asks of each of its nodes. */
export function conversationListIncludes(info: GraphQLResolveInfo): ConversationIncludes {
  const list = parseResolveInfo(info) as ResolveTree | null | undefined;
  if (!list) return {};
  return includesOf(
    selected(list, "SmsConversationConnection", "edges").flatMap((edges) => selected(edges, "SmsConversationEdge", "node")),
  );
}

/** Whether `includes` asks for anything. */
export const includesAnything = ({ agentNumbers, messagePages }: ConversationIncludes): boolean =>
  agentNumbers === true || (messagePages?.length ?? 0) > 0;

/** Hands rows read with `includes` to the loaders their field resolvers load through, so those find them without a statement. */
export function primeIncluded(loaders: Loaders, includes: ConversationIncludes, rows: IncludedRows): void {
  for (const [id, number] of rows.agentNumbers ?? []) loaders.agentNumber.prime(id, number);
  rows.messagePages?.forEach((pages, index) => {
    const loader = loaders.firstMessages(includes.messagePages![index]);
    for (const [id, messages] of pages) loader.prime(id, messages);
  });
}
