import fc from "fast-check";

/**
 * Requests for fuzzing createSmsConversation: a valid input, then up to four mutations of it
 * (hostile text, wrong types, missing and unknown fields, deep JSON) or of the bytes sent
 * (invalid UTF-8, truncation, stray bytes, other content types).
 */

export const FUZZ_OPERATION = `
  mutation Fuzz($input: CreateSmsConversationInput!) {
    createSmsConversation(input: $input) {
      conversationId workflowId
      conversation { id userNumber currPathwayVersion currentNodeId requestData timeoutConfig { timeOut warningTime timeoutMessage warningMessage } }
      userErrors { code field message }
    }
  }
`;

/** createSmsConversation's string input fields, each held to the one text rule. */
export const STRING_FIELDS = [
  "userNumber",
  "agentNumber",
  "message",
  "messageSid",
  "currPathwayId",
  "currPathwayVersion",
  "currentNodeId",
  "timeoutMessage",
  "warningMessage",
];
const FIELDS = [...STRING_FIELDS, "requestData", "newConversation", "sender", "timeOut", "warningTime"];

/** JSON nested `depth` levels, written out as text when the request is rendered (JSON.stringify cannot nest that deep). */
export class DeepJson {
  constructor(
    readonly depth: number,
    readonly shape: "object" | "array",
  ) {}

  text(): string {
    return this.shape === "object"
      ? '{"a":'.repeat(this.depth - 1) + '{"a":1' + "}".repeat(this.depth)
      : "[".repeat(this.depth) + "]".repeat(this.depth);
  }
}

export type Mutation =
  | { kind: "insert"; field: string; at: number; fragment: string }
  | { kind: "set"; field: string; value: unknown }
  | { kind: "delete"; field: string }
  | { kind: "unknownField"; name: string; value: unknown }
  | { kind: "insertBytes"; at: number; bytes: number[] }
  | { kind: "invalidUtf8InMessage"; bytes: number[] }
  | { kind: "truncate"; keep: number }
  | { kind: "contentType"; value: string }
  | { kind: "body"; value: "empty" | "array" | "variablesString" | "noQuery" | "nullInput" }
  | { kind: "operationName"; value: unknown };

export interface FuzzPlan {
  input: Record<string, unknown>;
  mutations: Mutation[];
  /** How many times the identical request is sent again, as a provider retrying a webhook would. */
  retries: number;
}

export interface RenderedRequest {
  body: Buffer;
  contentType: string;
}

/** Tricky but valid text: emoji, ZWJ sequences, combining marks, RTL, CJK, controls that are allowed. */
const TRICKY_FRAGMENTS = [
  "😀",
  "👩🏽‍💻",
  "👨‍👩‍👧‍👦",
  "🇫🇷",
  "❤️",
  "e\u0301",
  "\u05E9\u05DC\u05D5\u05DD",
  "\u200F",
  "مرحبا",
  "你好",
  "𠀋",
  "\uFEFF",
  "\uFFFF",
  "\t",
  "\r\n",
  "'",
  '"',
  "\\",
  "%s",
  "${x}",
  "'; DROP TABLE sms_message; --",
];
/** Text PostgreSQL cannot store as sent. */
const HOSTILE_FRAGMENTS = ["\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDC00\uD800", "\uD83D", "a\u0000b"];
/** Byte sequences that are not UTF-8. */
const INVALID_UTF8 = [
  [0x80],
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0xaf],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
];

const text = (maxLength: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...TRICKY_FRAGMENTS), { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")) },
  );

const json = fc.dictionary(fc.string({ unit: "grapheme", maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });

/** Valid inputs, within a small world so that calls continue conversations and repeat messageSids. */
export interface FuzzWorld {
  userNumbers: string[];
  /** The account's numbers. */
  agentNumbers: string[];
  /** Numbers of no account. */
  unknownNumbers: string[];
  messageSids: string[];
}

const seconds = fc.integer({ min: 1, max: 2_592_000 });

/** timeOut and warningTime: mostly a valid pair, sometimes not. */
const timers = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: seconds.map((timeOut) => ({ timeOut })) },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 2, max: 2_592_000 })
      .chain((timeOut) => fc.integer({ min: 1, max: timeOut - 1 }).map((warningTime) => ({ timeOut, warningTime }))),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { timeOut: fc.option(seconds, { nil: null }), warningTime: fc.option(seconds, { nil: null }) },
      { requiredKeys: [] },
    ),
  },
);

/** Valid inputs, within a small world so that calls continue conversations and repeat messageSids. */
export function validInput(world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 });
  const fields = fc.record(
    {
      userNumber: fc.constantFrom(...world.userNumbers),
      agentNumber: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...world.agentNumbers) },
        { weight: 1, arbitrary: fc.constantFrom(...world.unknownNumbers) },
      ),
      message: text(200),
      messageSid: optional(
        fc.oneof(
          { weight: 1, arbitrary: fc.constantFrom(...world.messageSids) },
          { weight: 3, arbitrary: fc.stringMatching(/^[\x21-\x7E]{1,64}$/) },
        ),
      ),
      currPathwayId: optional(fc.uuid()),
      currPathwayVersion: optional(text(40)),
      currentNodeId: optional(text(40)),
      requestData: optional(json),
      newConversation: optional(fc.boolean()),
      sender: optional(fc.constantFrom("USER", "AGENT")),
      timeoutMessage: optional(text(100)),
      warningMessage: optional(text(100)),
    },
    { requiredKeys: ["userNumber", "agentNumber", "message"] },
  );
  return fc.tuple(fields, timers).map(([input, given]) => ({ ...input, ...given }));
}

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(""),
  fc.constant(2 ** 31),
  fc.constant(-1),
  fc.constant(0),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("x".repeat(1601), "😀".repeat(1601), "x".repeat(100_000), "é".repeat(150_000)),
  fc
    .record({ depth: fc.integer({ min: 30, max: 20_000 }), shape: fc.constantFrom("object" as const, "array" as const) })
    .map(({ depth, shape }) => new DeepJson(depth, shape)),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("insert" as const),
      field: fc.constantFrom(...STRING_FIELDS),
      at: fc.nat(),
      fragment: fc.constantFrom(...HOSTILE_FRAGMENTS, ...TRICKY_FRAGMENTS),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("set" as const), field: fc.constantFrom(...FIELDS), value: wrongValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), field: fc.constantFrom(...FIELDS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("unknownField" as const),
      name: fc.string({ maxLength: 10 }),
      value: fc.jsonValue({ maxDepth: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("invalidUtf8InMessage" as const), bytes: fc.constantFrom(...INVALID_UTF8) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("insertBytes" as const),
      at: fc.nat(),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), keep: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("contentType" as const),
      value: fc.constantFrom(
        "text/plain",
        "application/json; charset=utf-16le",
        "application/json; charset=latin1",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "APPLICATION/JSON; CHARSET=UTF-8",
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("body" as const),
      value: fc.constantFrom("empty" as const, "array" as const, "variablesString" as const, "noQuery" as const, "nullInput" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("operationName" as const),
      value: fc.oneof(fc.constantFrom("Fuzz", "Other", null, 5, ...HOSTILE_FRAGMENTS), fc.string({ unit: "binary", maxLength: 8 })),
    }),
  },
);

export function fuzzPlan(world: FuzzWorld): fc.Arbitrary<FuzzPlan> {
  return fc.record({
    input: validInput(world),
    mutations: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Mutation[]>([]) },
      { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 1 }) },
      { weight: 2, arbitrary: fc.array(mutation, { minLength: 2, maxLength: 4 }) },
    ),
    retries: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  });
}

const BYTES_MARKER = "@@INVALID_UTF8@@";

/** The bytes and content type sent for a plan. */
export function render({ input, mutations }: FuzzPlan): RenderedRequest {
  const variablesInput: Record<string, unknown> = { ...input };
  let invalidUtf8: number[] | null = null;
  const bodyShape = new Set<string>();
  let contentType = "application/json";
  let operationName: { value: unknown } | null = null;
  for (const m of mutations) {
    if (m.kind === "insert") {
      const current = variablesInput[m.field];
      const value = typeof current === "string" ? current : "";
      const at = value.length === 0 ? 0 : m.at % (value.length + 1);
      variablesInput[m.field] = value.slice(0, at) + m.fragment + value.slice(at);
    } else if (m.kind === "set") variablesInput[m.field] = m.value;
    else if (m.kind === "delete") delete variablesInput[m.field];
    else if (m.kind === "unknownField") variablesInput[m.name] = m.value;
    else if (m.kind === "invalidUtf8InMessage") {
      invalidUtf8 = m.bytes;
      variablesInput.message = `${typeof variablesInput.message === "string" ? variablesInput.message : ""}${BYTES_MARKER}`;
    } else if (m.kind === "contentType") contentType = m.value;
    else if (m.kind === "body") bodyShape.add(m.value);
    else if (m.kind === "operationName") operationName = { value: m.value };
  }

  const deep: DeepJson[] = [];
  const document: Record<string, unknown> = {
    query: FUZZ_OPERATION,
    variables: { input: bodyShape.has("nullInput") ? null : variablesInput },
  };
  if (bodyShape.has("variablesString"))
    document.variables = JSON.stringify(document.variables, (_key, value: unknown) => (value instanceof DeepJson ? 1 : value));
  if (bodyShape.has("noQuery")) delete document.query;
  if (operationName) document.operationName = operationName.value;
  let bodyText = JSON.stringify(bodyShape.has("array") ? [document] : document, (_key, value: unknown) => {
    if (!(value instanceof DeepJson)) return value;
    deep.push(value);
    return `@@DEEP_${deep.length - 1}@@`;
  });
  deep.forEach((value, index) => {
    bodyText = bodyText.replace(`"@@DEEP_${index}@@"`, () => value.text());
  });
  if (bodyShape.has("empty")) bodyText = "";

  let body = contentType.includes("utf-16le") ? Buffer.from(bodyText, "utf16le") : Buffer.from(bodyText, "utf8");
  if (invalidUtf8) {
    const at = body.indexOf(BYTES_MARKER);
    if (at !== -1) body = Buffer.concat([body.subarray(0, at), Buffer.from(invalidUtf8), body.subarray(at + BYTES_MARKER.length)]);
  }
  for (const m of mutations) {
    if (m.kind === "insertBytes") {
      const at = m.at % (body.length + 1);
      body = Buffer.concat([body.subarray(0, at), Buffer.from(m.bytes), body.subarray(at)]);
    } else if (m.kind === "truncate") body = body.subarray(0, Math.floor(body.length * m.keep));
  }
  return { body, contentType };
}

/** The request as the server reads it when it can (UTF-8 or UTF-16 JSON), else null. */
export function decode({ body, contentType }: RenderedRequest): { variables?: { input?: Record<string, unknown> } } | null {
  const type = contentType.toLowerCase();
  if (!type.startsWith("application/json")) return null;
  const charset = /charset=([\w-]+)/.exec(type)?.[1] ?? "utf-8";
  if (charset !== "utf-8" && charset !== "utf-16le") return null;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder(charset, { fatal: true }).decode(body));
    return parsed !== null && typeof parsed === "object" ? parsed : null;
  } catch {
    return null;
  }
}

/** Whether a value holds text PostgreSQL cannot store as sent, or JSON nested deeper than `maxDepth`; written apart from the server's rule, as an oracle. */
export function holdsUnstorableText(value: unknown, maxDepth: number, depth = 0): boolean {
  if (typeof value === "string")
    return value.includes("\u0000") || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
  if (value === null || typeof value !== "object") return false;
  if (depth >= maxDepth) return true;
  return Object.entries(value).some(
    ([key, inner]) => holdsUnstorableText(key, maxDepth) || holdsUnstorableText(inner, maxDepth, depth + 1),
  );
}
