/**
 * What a string input may hold: exactly what PostgreSQL stores and gives back unchanged, in a
 * `text` column and in `jsonb` alike. Its UTF-8 cannot encode an unpaired surrogate (the driver
 * would store U+FFFD, so a retry would no longer match), and neither type takes U+0000.
 */
export const TEXT_RULE = "Unicode text without NUL (U+0000) or unpaired surrogates (U+D800 to U+DFFF)";

export function isAcceptableText(value: string): boolean {
  return value.isWellFormed() && !value.includes("\0");
}

/**
 * Characters as length limits count them: Unicode code points, as PostgreSQL's `char_length`,
 * Python's `len` and JavaScript's `[...text].length` count them. Every code point counts, variation
 * selectors (U+FE0E, U+FE0F) and joiners included: 👍 is 1, ❤️ is 2, 🇫🇷 is 2.
 */
export function countCodePoints(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
