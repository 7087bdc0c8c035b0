/**
 * What logs may hold of the values they are given. Logs never hold phone numbers, message bodies,
 * request data or keys, and the values that carry them arrive in unexpected places: TypeORM's
 * QueryFailedError carries the statement's `parameters`, pg's DatabaseError a failed row in
 * `detail`, a parameter's value in `where` and values quoted in its message, body-parser's errors
 * the body, a GET request's URL the operation's variables, the embedded PostgreSQL server's own
 * log its refused rows and statements. So errors and requests are logged by allow-list, and
 * quoted parts of error messages are masked wherever the message appears.
 */

/** The fields of an error kept beside its class, message and stack: codes and the names PostgreSQL gives. */
const ERROR_FIELDS = ["code", "severity", "constraint", "table", "column", "schema", "dataType", "routine", "status"] as const;
/** The fields of a graphile-worker job kept; its payload and last error are not. */
const JOB_FIELDS = ["id", "queue_name", "task_identifier", "attempts", "max_attempts", "run_at", "key"] as const;
/** How many causes (and aggregated errors) deep an error is followed. */
const MAX_CAUSE_DEPTH = 3;

export const REDACTED = "[redacted]";

/**
 * An error as logged: `type` (its class), `message` with quoted parts masked (safeErrorMessage),
 * the ERROR_FIELDS it has, its stack frames under the safe message, and its `cause`.
 */
export function serializeError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error)) return value === undefined || value === null ? value : { type: `thrown ${typeof value}` };
  const error = value as Error & Record<string, unknown>;
  const type = error.constructor?.name || error.name;
  const message = safeErrorMessage(error);
  const logged: Record<string, unknown> = { type, message };
  for (const field of ERROR_FIELDS) {
    const fieldValue = error[field];
    if (typeof fieldValue === "string" || typeof fieldValue === "number") logged[field] = fieldValue;
  }
  const extensionsCode = (error.extensions as { code?: unknown } | undefined)?.code;
  if (logged.code === undefined && typeof extensionsCode === "string") logged.code = extensionsCode;
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  logged.stack = [`${type}: ${message}`, ...frames].join("\n");
  if (depth < MAX_CAUSE_DEPTH) {
    if (error.cause !== undefined) logged.cause = serializeError(error.cause, depth + 1);
    if (error instanceof AggregateError)
      logged.errors = error.errors.slice(0, 10).map((inner: unknown) => serializeError(inner, depth + 1));
  }
  return logged;
}

/**
 * The message with every double-quoted part masked: PostgreSQL quotes the values it refuses
 * (`invalid input syntax for type uuid: "…"`) as V8's JSON.parse quotes the text it could not
 * read. Quoted names the error itself gives as its constraint, table, column, schema or type
 * stay, so `duplicate key value violates unique constraint "…_key"` keeps the constraint's name.
 */
export function safeErrorMessage(error: Error): string {
  const fields = error as unknown as Record<string, unknown>;
  const names = new Set(
    ["constraint", "table", "column", "schema", "dataType"].map((field) => fields[field]).filter((name) => typeof name === "string"),
  );
  return maskQuoted(String(error.message), names);
}

/**
 * Masks double-quoted parts (quoted values) in `text`, except the `names` given. Backslash
 * escapes are skipped, so a quote inside a quoted value does not end it.
 */
function maskQuoted(text: string, names: ReadonlySet<unknown> = new Set()): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => (names.has(quoted.slice(1, -1)) ? quoted : '"…"'));
}

/** `text` with each of the errors' raw messages (as `${error}`, `error.message` or a stack put them in a log message) replaced by its safe one. */
export function withSafeErrorMessages(text: string, errors: Error[]): string {
  let safe = text;
  for (const error of errors) {
    const raw = String(error.message);
    const masked = safeErrorMessage(error);
    if (masked !== raw && safe.includes(raw)) safe = safe.split(raw).join(masked);
  }
  return safe;
}

/** A request as logged: its id, method and path. The query string (a GET operation and its variables) is not. */
export function serializeRequest(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const { id, method, url } = value as { id?: unknown; method?: unknown; url?: unknown };
  return { id, method, url: typeof url === "string" ? withoutQuery(url) : url };
}

function withoutQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : `${url.slice(0, end)}?${REDACTED}`;
}

/** A graphile-worker job as logged: the JOB_FIELDS, not its payload or its last error. */
export function serializeJob(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const job = value as Record<string, unknown>;
  return Object.fromEntries(JOB_FIELDS.filter((field) => job[field] !== undefined).map((field) => [field, job[field]]));
}

/**
 * Entries of PostgreSQL's server log that quote rows, keys, statements or parameters: from the
 * label to the next line that starts a new entry (with the timestamp of the default
 * `log_line_prefix`), or to the end, since a quoted value may span lines.
 */
const POSTGRES_DATA_ENTRY = /\b(DETAIL|STATEMENT|CONTEXT|QUERY|HINT):[\s\S]*?(?=\n\d{4}-\d\d-\d\d |$)/g;

/**
 * The embedded PostgreSQL server's own log output: its `DETAIL:` (a failing row, a duplicate
 * key's values), `STATEMENT:` and other quoting lines keep only their label, and values quoted
 * in its messages are masked.
 */
export function serializePostgresLog(value: unknown): unknown {
  return typeof value === "string" ? maskQuoted(value.replace(POSTGRES_DATA_ENTRY, `$1: ${REDACTED}`)) : value;
}
