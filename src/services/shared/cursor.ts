/**
 * Opaque cursors: base64url of `<kind>:<uuid>`. The position is looked up from the row the
 * cursor names, inside the scope being paged, so a cursor from another conversation or account
 * matches nothing and is refused.
 */
export function encodeCursor(kind: string, id: string): string {
  return Buffer.from(`${kind}:${id}`, "utf8").toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The row id a cursor names, or null when it is not a cursor of this kind. */
export function decodeCursor(kind: string, cursor: string): string | null {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const [cursorKind, id] = text.split(":");
  return cursorKind === kind && id !== undefined && UUID.test(id) ? id : null;
}
