import type { GraphQLResolveInfo } from "graphql";
import { parseResolveInfo, type ResolveTree } from "graphql-parse-resolve-info";
import type { PropertyNames } from "../database/select-list";
import type { AgentNumber } from "../entities/agent-number.entity";
import type { SmsConversation } from "../entities/sms-conversation.entity";
import type { SmsMessage } from "../entities/sms-message.entity";
import type { ConversationIncludes, IncludedMessagePage, IncludedRows } from "../services/conversations/sms-conversation-query.service";
import { type PageRequest, pageShapeOf, toPageRequest } from "../services/shared/pagination";
import type { Loaders } from "./loaders";
import type { SmsConversationType } from "./types/sms-conversation.type";

/*
 * Reading ahead: what a selection asks of each conversation that the conversations' own statement
 * can read with them (ConversationIncludes): `agent`, and `messages` without a cursor, found in
 * the selection with fragments, variables and @include/@skip applied. So nested fields cost no
 * statement of their own; a nested field this leaves out is still loaded by its field resolver
 * (one statement per field, whatever the number of conversations).
 *
 * Only the properties the selection reads are read: each field names the entity properties it
 * reads (the tables below), and a field not in them — a field resolver that takes the whole row,
 * a fragment on an interface — reads them all. What is read so goes to the objects the field
 * returns (SmsConversationType.included), never to the request's loaders, which other fields
 * of the request share. A message page whose connections read only their edges is read without
 * the row past its end (it then does not know whether more follow, and is not primed either).
 */

/** The fields named `name` (under any alias) of the object type `type` in a selection. */
const selected = (tree: ResolveTree, type: string, name: string): ResolveTree[] =>
  Object.values(tree.fieldsByTypeName[type] ?? {}).filter((field) => field.name === name);

/** Message page shapes read ahead, at most: each is a column of the statement; more are left to the field resolver. */
const MAX_INCLUDED_PAGES = 2;

/** The entity properties each field of a type reads; a field not listed reads them all. */
type FieldProperties<T> = ReadonlyMap<string, PropertyNames<T>>;

const CONVERSATION_FIELDS: FieldProperties<SmsConversation> = new Map<string, PropertyNames<SmsConversation>>([
  ["__typename", []],
  ["id", ["id"]],
  ["userNumber", ["userNumber"]],
  ["agentNumber", ["agentNumber"]],
  ["channel", ["channel"]],
  ["status", ["status"]],
  ["currPathwayId", ["currPathwayId"]],
  ["currPathwayVersion", ["currPathwayVersion"]],
  ["currentNodeId", ["currentNodeId"]],
  ["requestData", ["requestData"]],
  ["timeoutConfig", ["timeOut", "timeoutMessage", "warningTime", "warningMessage"]],
  ["createdAt", ["createdAt"]],
  ["updatedAt", ["updatedAt"]],
  ["archivedAt", ["archivedAt"]],
  ["warningAt", ["warningAt"]],
  ["timeoutAt", ["timeoutAt"]],
  ["timedOutAt", ["timedOutAt"]],
  // Field resolvers that read the conversation's keys only.
  ["agent", ["agentNumberId"]],
  ["messages", ["id"]],
  ["userOptedOut", ["id"]],
  ["effectiveTimeoutConfig", ["id"]],
]);

const AGENT_NUMBER_FIELDS: FieldProperties<AgentNumber> = new Map<string, PropertyNames<AgentNumber>>([
  ["__typename", []],
  ["id", ["id"]],
  ["number", ["number"]],
  ["smsConfig", ["smsConfig"]],
  ["whatsappConfig", ["whatsappConfig"]],
  ["optOutReplies", ["optOutReplies"]],
  ["createdAt", ["createdAt"]],
]);

const MESSAGE_FIELDS: FieldProperties<SmsMessage> = new Map<string, PropertyNames<SmsMessage>>([
  ["__typename", []],
  ["id", ["id"]],
  ["sender", ["sender"]],
  ["kind", ["kind"]],
  ["body", ["body"]],
  ["messageSid", ["messageSid"]],
  ["deliveryStatus", ["deliveryStatus"]],
  ["createdAt", ["createdAt"]],
]);

/** What the fields selected in `trees` (each of type `type`) read, together; undefined: everything. */
function propertiesOf<T>(trees: readonly ResolveTree[], type: string, fields: FieldProperties<T>): PropertyNames<T> | undefined {
  const read = new Set<keyof T & string>();
  for (const tree of trees)
    for (const [on, selection] of Object.entries(tree.fieldsByTypeName)) {
      if (on !== type) return undefined;
      for (const field of Object.values(selection)) {
        const properties = fields.get(field.name);
        if (!properties) return undefined;
        for (const property of properties) read.add(property);
      }
    }
  return [...read];
}

/** What the message connections in `trees` read of their messages: cursors and page info need only the keys. */
function messagePropertiesOf(trees: readonly ResolveTree[]): PropertyNames<SmsMessage> | undefined {
  const nodes: ResolveTree[] = [];
  for (const tree of trees)
    for (const [on, selection] of Object.entries(tree.fieldsByTypeName)) {
      if (on !== "SmsMessageConnection") return undefined;
      for (const field of Object.values(selection)) {
        if (field.name === "edges") {
          for (const [edgeType, edge] of Object.entries(field.fieldsByTypeName)) {
            if (edgeType !== "SmsMessageEdge") return undefined;
            for (const edgeField of Object.values(edge)) {
              if (edgeField.name === "node") nodes.push(edgeField);
              else if (edgeField.name !== "cursor" && edgeField.name !== "__typename") return undefined;
            }
          }
        } else if (field.name !== "pageInfo" && field.name !== "__typename") return undefined;
      }
    }
  return propertiesOf(nodes, "SmsMessage", MESSAGE_FIELDS);
}

/** Whether the message connections in `trees` read anything but their edges (their pageInfo). */
function readsPageInfo(trees: readonly ResolveTree[]): boolean {
  return trees.some((tree) =>
    Object.entries(tree.fieldsByTypeName).some(
      ([on, selection]) => on !== "SmsMessageConnection" || Object.values(selection).some((field) => field.name !== "edges"),
    ),
  );
}

function includesOf(conversations: ResolveTree[]): ConversationIncludes {
  const pages = new Map<number, { request: PageRequest; trees: ResolveTree[] }>();
  for (const messages of conversations.flatMap((conversation) => selected(conversation, "SmsConversation", "messages"))) {
    let request: PageRequest;
    try {
      request = toPageRequest(messages.args);
    } catch {
      continue; // Refused by the field's own resolver, with its error.
    }
    const key = pageShapeOf(request);
    if (request.cursor !== null || (pages.size >= MAX_INCLUDED_PAGES && !pages.has(key))) continue;
    const page = pages.get(key) ?? { request, trees: [] };
    page.trees.push(messages);
    pages.set(key, page);
  }
  const agents = conversations.flatMap((conversation) => selected(conversation, "SmsConversation", "agent"));
  return {
    conversationProperties: propertiesOf(conversations, "SmsConversation", CONVERSATION_FIELDS),
    agentNumbers: agents.length > 0,
    agentNumberProperties: propertiesOf(agents, "AgentNumber", AGENT_NUMBER_FIELDS),
    messagePages: [...pages.values()].map(({ request, trees }): IncludedMessagePage => ({
      ...request,
      properties: messagePropertiesOf(trees),
      pageInfo: readsPageInfo(trees),
    })),
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

/** Whether `includes` reads every property of what it reads: its rows may go to the request's loaders. */
const readsWholeRows = (includes: ConversationIncludes): boolean =>
  !includes.conversationProperties &&
  !(includes.agentNumbers && includes.agentNumberProperties) &&
  !(includes.messagePages ?? []).some((page) => page.properties);

/**
 * Gives each conversation read with `includes` (its row: `entity`) what was read with it, for its field resolvers
 * (`agent`, `messages`) to find without a statement; rows read whole also go to the request's
 * loaders, for the request's other fields.
 */
export function attachIncluded(
  loaders: Loaders,
  includes: ConversationIncludes,
  rows: IncludedRows,
  conversations: readonly SmsConversationType[],
): void {
  const shapes = includes.messagePages?.map(pageShapeOf) ?? [];
  for (const conversation of conversations) {
    const row = conversation.entity;
    conversation.included = {
      agent: rows.agentNumbers?.get(row.agentNumberId),
      messagePages: rows.messagePages && new Map(rows.messagePages.map((pages, index) => [shapes[index], pages.get(row.id)!])),
    };
  }
  if (!readsWholeRows(includes)) return;
  for (const { entity } of conversations) loaders.conversation.prime(entity.id, entity);
  for (const [id, number] of rows.agentNumbers ?? []) loaders.agentNumber.prime(id, number);
  rows.messagePages?.forEach((pages, index) => {
    // A page read without its pageInfo cannot answer another field that reads it.
    if (includes.messagePages![index].pageInfo === false) return;
    const loader = loaders.firstMessages(includes.messagePages![index]);
    for (const [id, messages] of pages) loader.prime(id, messages);
  });
}
