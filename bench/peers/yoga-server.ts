import { createHash } from "node:crypto";
import http from "node:http";
import DataLoader from "dataloader";
import { GraphQLError } from "graphql";
import { DateTimeISOResolver } from "graphql-scalars";
import { createSchema, createYoga } from "graphql-yoga";
import { Pool } from "pg";
import { encodeCursor } from "../../src/services/shared/cursor";
import { parsePublicId, toPublicId } from "../../src/services/shared/public-id";

/*
 * A read peer of `npm run bench`: the two reads Parley is measured on, written by hand the usual
 * way — graphql-yoga 5, graphql-js's executor (no graphql-jit), pg, DataLoader — answering the
 * same query text as Parley. It does the work Parley does for them: API-key auth against
 * `api_key` (SHA-256 of the key, cached 5 s in process), the key's account's rows only, public ids
 * (`conv_…`, `msg_…`), opaque keyset cursors, one statement per nested field per page (the
 * latest messages of every conversation on a page in one LATERAL statement; their agent numbers
 * in one more). It is a fair peer only while it takes no shortcut Parley could not take.
 *   DATABASE_URL=… PORT=… ts-node bench/peers/yoga-server.ts
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

const typeDefs = /* GraphQL */ `
  scalar DateTimeISO
  enum SmsConversationStatus {
    ACTIVE
    ARCHIVED
    TIMED_OUT
  }
  enum SmsSender {
    AGENT
    USER
  }
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type AgentNumber {
    id: ID!
    number: String!
  }
  type SmsMessage {
    id: ID!
    sender: SmsSender!
    body: String!
    createdAt: DateTimeISO!
  }
  type SmsMessageEdge {
    cursor: String!
    node: SmsMessage!
  }
  type SmsMessageConnection {
    edges: [SmsMessageEdge!]!
    pageInfo: PageInfo!
  }
  type SmsConversation {
    id: ID!
    userNumber: String!
    status: SmsConversationStatus!
    createdAt: DateTimeISO!
    updatedAt: DateTimeISO!
    agent: AgentNumber!
    messages(first: Int, last: Int): SmsMessageConnection!
  }
  type SmsConversationEdge {
    cursor: String!
    node: SmsConversation!
  }
  type SmsConversationConnection {
    edges: [SmsConversationEdge!]!
    pageInfo: PageInfo!
  }
  type Query {
    smsConversation(id: ID!): SmsConversation
    smsConversations(first: Int, after: String): SmsConversationConnection!
  }
`;

interface ConversationRow {
  id: string;
  agent_number_id: string;
  user_number: string;
  status: string;
  created_at: Date;
  updated_at: Date;
  /** created_at as exact text (microseconds, UTC), what a cursor carries. */
  sort_key: string;
}
interface MessageRow {
  id: string;
  conversation_id: string;
  sender: string;
  body: string;
  created_at: Date;
}
interface Context {
  accountId: string;
  conversation: DataLoader<string, ConversationRow | null>;
  agent: DataLoader<string, { id: string; number: string } | null>;
  messages: DataLoader<{ conversationId: string; size: number; forward: boolean }, MessageRow[], string>;
}

const CONVERSATION_COLUMNS = `id, agent_number_id, user_number, status, created_at, updated_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_key`;

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });

/** A page size from 0 to 100, 20 when not given. */
function pageSize(value: number | null | undefined, name: string): number {
  if (value === null || value === undefined) return 20;
  if (!Number.isInteger(value) || value < 0 || value > 100) throw badInput(`${name} must be an integer from 0 to 100`);
  return value;
}

/** Keyset cursor of a conversation list: base64url of `<created_at text>|<uuid>`. */
const conversationCursor = (row: ConversationRow) => Buffer.from(`${row.sort_key}|${row.id}`).toString("base64url");
const CURSOR_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** API keys found live, by SHA-256 (base64), with their account and when to look again. */
const keyCache = new Map<string, { accountId: string; until: number }>();
const KEY_SHAPE = /^prl_[A-Za-z0-9_-]{32,128}$/;

async function authenticate(apiKey: string | null): Promise<string | null> {
  if (!apiKey || !KEY_SHAPE.test(apiKey)) return null;
  const hash = createHash("sha256").update(apiKey).digest("base64");
  const cached = keyCache.get(hash);
  if (cached && cached.until > Date.now()) return cached.accountId;
  const { rows } = await pool.query<{ account_id: string }>("SELECT account_id FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL", [
    Buffer.from(hash, "base64"),
  ]);
  if (!rows[0]) return null;
  keyCache.set(hash, { accountId: rows[0].account_id, until: Date.now() + 5_000 });
  return rows[0].account_id;
}

/** Request-scoped loaders, every statement limited to the account's rows. */
function loaders(accountId: string): Omit<Context, "accountId"> {
  return {
    conversation: new DataLoader(async (ids) => {
      const { rows } = await pool.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM sms_conversation WHERE account_id = $1 AND id = ANY($2::uuid[])`,
        [accountId, ids],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    agent: new DataLoader(async (ids) => {
      const { rows } = await pool.query<{ id: string; number: string }>(
        "SELECT id, number FROM agent_number WHERE account_id = $1 AND id = ANY($2::uuid[])",
        [accountId, ids],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    // One LATERAL statement per page size and direction (one per nested field of a page).
    messages: new DataLoader(
      async (keys) => {
        const byConversation = new Map<string, MessageRow[]>();
        for (const forward of [true, false]) {
          for (const size of new Set(keys.filter((key) => key.forward === forward).map((key) => key.size))) {
            const ids = keys.filter((key) => key.forward === forward && key.size === size).map((key) => key.conversationId);
            const direction = forward ? "ASC" : "DESC";
            const { rows } = await pool.query<MessageRow>(
              `SELECT m.* FROM unnest($1::uuid[]) AS ids(id) CROSS JOIN LATERAL (
                 SELECT id, conversation_id, sender, body, created_at FROM sms_message WHERE conversation_id = ids.id
                 ORDER BY created_at ${direction}, id ${direction} LIMIT $2) m`,
              [ids, size + 1],
            );
            for (const row of rows) {
              const key = `${forward}:${size}:${row.conversation_id}`;
              const list = byConversation.get(key);
              if (list) list.push(row);
              else byConversation.set(key, [row]);
            }
          }
        }
        return keys.map((key) => byConversation.get(`${key.forward}:${key.size}:${key.conversationId}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.forward}:${key.size}:${key.conversationId}` },
    ),
  };
}

const resolvers = {
  DateTimeISO: DateTimeISOResolver,
  Query: {
    smsConversation: (_: unknown, { id }: { id: string }, context: Context) => {
      const uuid = parsePublicId("conversation", id);
      return uuid ? context.conversation.load(uuid) : null;
    },
    smsConversations: async (_: unknown, args: { first?: number | null; after?: string | null }, context: Context) => {
      const size = pageSize(args.first, "first");
      const values: unknown[] = [context.accountId, size + 1];
      let after = "";
      if (args.after) {
        const text = Buffer.from(args.after, "base64url").toString("utf8");
        if (!CURSOR_SHAPE.test(text)) throw badInput("after is not a cursor of this list");
        values.push(...text.split("|"));
        after = "AND (created_at, id) < ($3::timestamptz, $4::uuid)";
      }
      const { rows } = await pool.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM sms_conversation WHERE account_id = $1 ${after}
         ORDER BY created_at DESC, id DESC LIMIT $2`,
        values,
      );
      const page = rows.slice(0, size);
      // Nested fields and smsConversation(id) find these rows without another statement.
      for (const row of page) context.conversation.prime(row.id, row);
      return {
        edges: page.map((node) => ({ node })),
        pageInfo: {
          hasNextPage: rows.length > size,
          hasPreviousPage: false,
          startCursor: page[0] ? conversationCursor(page[0]) : null,
          endCursor: page.length > 0 ? conversationCursor(page[page.length - 1]) : null,
        },
      };
    },
  },
  SmsConversationEdge: { cursor: ({ node }: { node: ConversationRow }) => conversationCursor(node) },
  SmsConversation: {
    id: (row: ConversationRow) => toPublicId("conversation", row.id),
    userNumber: (row: ConversationRow) => row.user_number,
    createdAt: (row: ConversationRow) => row.created_at,
    updatedAt: (row: ConversationRow) => row.updated_at,
    agent: (row: ConversationRow, _: unknown, context: Context) => context.agent.load(row.agent_number_id),
    messages: async (row: ConversationRow, args: { first?: number | null; last?: number | null }, context: Context) => {
      if (args.first != null && args.last != null) throw badInput("pass first or last, not both");
      const forward = args.last == null;
      const size = forward ? pageSize(args.first, "first") : pageSize(args.last, "last");
      const rows = await context.messages.load({ conversationId: row.id, size, forward });
      const taken = rows.slice(0, size);
      const edges = (forward ? taken : taken.reverse()).map((node) => ({ node }));
      const cursor = (index: number) => (edges[index] ? encodeCursor("msg", edges[index].node.id) : null);
      return {
        edges,
        pageInfo: {
          hasNextPage: forward && rows.length > size,
          hasPreviousPage: !forward && rows.length > size,
          startCursor: () => cursor(0),
          endCursor: () => cursor(edges.length - 1),
        },
      };
    },
  },
  SmsMessageEdge: { cursor: ({ node }: { node: MessageRow }) => encodeCursor("msg", node.id) },
  SmsMessage: {
    id: (row: MessageRow) => toPublicId("message", row.id),
    createdAt: (row: MessageRow) => row.created_at,
  },
};

const yoga = createYoga<object, Context>({
  schema: createSchema<Context>({ typeDefs, resolvers }),
  graphiql: false,
  landingPage: false,
  logging: "warn",
  context: async ({ request }) => {
    const accountId = await authenticate(request.headers.get("authorization"));
    if (!accountId)
      throw new GraphQLError("a valid API key is required in the authorization header", {
        extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
      });
    return { accountId, ...loaders(accountId) };
  },
});

const server = http.createServer((req, res) => void yoga(req, res));
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("yoga listening\n"));
process.on("SIGTERM", () => server.close(() => void pool.end().then(() => process.exit(0))));
