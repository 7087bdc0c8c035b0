/**
 * A new row's id, as SQL: a UUID of version 7 (RFC 9562), the time in milliseconds followed by
 * random bits, built from clock_timestamp() and gen_random_uuid() (which PostgreSQL has from
 * version 13; version 18's uuidv7() is the same thing). A table's new ids grow with time, so its
 * primary key — and every index that leads with a new conversation's id — takes them at its
 * right-hand edge: a few pages that stay cached and dirty, instead of one random page per row,
 * read, dirtied and, after each checkpoint, written whole to the WAL (docs/decisions/0011).
 */
export const NEW_ROW_ID_SQL =
  "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) " +
  "PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid";
