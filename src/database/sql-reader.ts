import { createHash } from "node:crypto";
import type { Pool } from "pg";
import type { DataSource } from "typeorm";
import { poolOf } from "./data-source";
import { READ_TYPES } from "./timestamptz";

/**
 * Statement texts a reader prepares, at most; later ones run unprepared. The texts are made by
 * code, but how they combine (filters, orders, what a selection reads ahead) is the caller's to
 * choose: the bound keeps what a client can make every session hold.
 */
const MAX_PREPARED = 200;

const readers = new WeakMap<DataSource, SqlReader>();

/** The DataSource's one reader: every read service shares its prepared statements and their bound. */
export function sqlReaderOf(dataSource: DataSource): SqlReader {
  let reader = readers.get(dataSource);
  if (!reader) readers.set(dataSource, (reader = new SqlReader(dataSource)));
  return reader;
}

/**
 * Reads by hand-written SQL on the DataSource's pool, each statement (of the first MAX_PREPARED
 * texts) prepared once per connection, named by a hash of its text: the same text always runs as
 * the same prepared statement, which PostgreSQL parses once per session. Rows come back as pg
 * builds them: plain objects, shaped by the statement's column aliases (see selectListOf),
 * timestamps read by parseTimestamptz. Every statement is reported to the DataSource's query
 * logger when query logging is on, as TypeORM's own statements are.
 */
export class SqlReader {
  private readonly names = new Map<string, string>();
  private pool: Pool | undefined;

  constructor(private readonly dataSource: DataSource) {}

  async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    if (this.dataSource.options.logging) this.dataSource.logger.logQuery(text, values);
    this.pool ??= poolOf(this.dataSource);
    const name = this.nameOf(text);
    const result = await this.pool.query<T & object>(
      name ? { name, text, values, types: READ_TYPES } : { text, values, types: READ_TYPES },
    );
    return result.rows;
  }

  private nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.names.size >= MAX_PREPARED) return undefined;
      name = `r_${createHash("sha1").update(text).digest("base64url").slice(0, 16)}`;
      this.names.set(text, name);
    }
    return name;
  }
}
