/** The API key of an `authorization` header: the raw key, or `Bearer <key>`. */
export function parseAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const value = header.trim();
  const match = /^bearer\s+(.+)$/i.exec(value);
  return (match ? match[1] : value).trim() || null;
}
