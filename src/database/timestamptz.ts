import { types as pgTypes } from "pg";

const TIMESTAMPTZ_OID = 1184;
const parseAnyTimestamptz = pgTypes.getTypeParser(TIMESTAMPTZ_OID, "text") as (text: string) => Date;

/**
 * A timestamptz as PostgreSQL writes it in a UTC session (DateStyle ISO, the default):
 * `2026-11-30 17:14:39.432654+00`, a fraction of 0 to 6 digits. Read without a regular
 * expression; the Date is the one pg's own parser (postgres-date) makes, to the millisecond
 * (digits past it are dropped). Any other form — another time zone, BC, years past 9999,
 * infinity — goes to pg's own parser.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  const utc =
    length >= 22 &&
    length <= 29 &&
    text.charCodeAt(length - 3) === PLUS &&
    text.charCodeAt(length - 2) === ZERO &&
    text.charCodeAt(length - 1) === ZERO &&
    text.charCodeAt(4) === DASH &&
    text.charCodeAt(10) === SPACE &&
    text.charCodeAt(19) === (length === 22 ? PLUS : DOT) &&
    // Years 0–999 are four digits too, but Date.UTC reads 0–99 as 1900–1999: pg's parser handles those.
    text.charCodeAt(0) !== ZERO;
  if (!utc) return parseAnyTimestamptz(text);
  // The first three digits of the fraction, as many as there are: milliseconds.
  let milliseconds = 0;
  for (let i = 20, scale = 100; i < length - 3 && i < 23; i++, scale /= 10) milliseconds += digit(text, i) * scale;
  return new Date(
    Date.UTC(
      digits(text, 0, 4),
      digits(text, 5, 2) - 1,
      digits(text, 8, 2),
      digits(text, 11, 2),
      digits(text, 14, 2),
      digits(text, 17, 2),
      milliseconds,
    ),
  );
}

const [ZERO, PLUS, DASH, DOT, SPACE] = ["0", "+", "-", ".", " "].map((c) => c.charCodeAt(0));

const digit = (text: string, at: number): number => text.charCodeAt(at) - ZERO;

/** The number written by `count` decimal digits of `text` from `at`. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) value = value * 10 + digit(text, i);
  return value;
}

/** pg's type parsers, with timestamptz read by parseTimestamptz: for the `types` of a query. */
export const READ_TYPES = {
  getTypeParser: (oid: number, format?: "text" | "binary"): ((value: string) => unknown) =>
    oid === TIMESTAMPTZ_OID && format !== "binary" ? parseTimestamptz : (pgTypes.getTypeParser(oid, format) as (value: string) => unknown),
};
