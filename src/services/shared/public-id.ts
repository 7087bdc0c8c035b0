/**
 * Ids are UUIDs in the database and typed, prefixed strings outside it (`conv_…`, like the REST
 * platform's `conversation_id`), so an id says what it names and `node(id)` can route it.
 */
export const ID_PREFIXES = {
  account: "acct",
  apiKey: "key",
  agentNumber: "num",
  conversation: "conv",
  message: "msg",
  workflow: "wf",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const HEX32 = /^[0-9a-f]{32}$/;

/** `uuid` in its canonical form (8-4-4-4-12 hex digits, as PostgreSQL writes it) as a public id of `kind`. */
export function toPublicId(kind: IdKind, uuid: string): string {
  return `${ID_PREFIXES[kind]}_${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(14, 18)}${uuid.slice(19, 23)}${uuid.slice(24)}`;
}

/** The UUID behind a public id of the given kind, or null when `id` is not one. */
export function parsePublicId(kind: IdKind, id: string): string | null {
  const prefix = `${ID_PREFIXES[kind]}_`;
  if (!id.startsWith(prefix)) return null;
  const hex = id.slice(prefix.length).toLowerCase();
  if (!HEX32.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
