/**
 * Input limits, shared by the validation decorators, their messages and the docs. Characters are
 * Unicode code points (see countCodePoints).
 */
export const LIMITS = {
  /** Characters in a message body, and in the timeout and warning messages. */
  messageLength: 1600,
  /** Characters in a provider message SID. */
  messageSidLength: 64,
  /** Characters in a send's idempotency key. */
  idempotencyKeyLength: 255,
  /** Characters in `currPathwayVersion` and `currentNodeId`. */
  pathwayFieldLength: 256,
  /** Bytes of `requestData` serialised as JSON (16 KiB). */
  requestDataBytes: 16 * 1024,
  /** Levels of objects and arrays inside one another in an input (`requestData`, an argument): `{}` is 1, `{"a": []}` is 2. */
  jsonDepth: 32,
  /** Seconds in `timeOut` and `warningTime`: 1 to 30 days. */
  minSeconds: 1,
  maxSeconds: 2_592_000,
} as const;

/** Visible ASCII, no spaces: what provider SIDs are made of. */
export const MESSAGE_SID = /^[\x21-\x7E]+$/;

/** The same alphabet for idempotency keys (UUIDs and the like), which also travel as an HTTP header (`idempotency-key`). */
export const IDEMPOTENCY_KEY = MESSAGE_SID;

/** How field descriptions state what a length counts. */
export const CHARACTERS = "characters, counted as Unicode code points";
