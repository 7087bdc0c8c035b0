import { createHash } from "node:crypto";
import type { Pool } from "pg";
import type { DataSource } from "typeorm";
import { poolOf } from "./data-source";
import { READ_TYPES } from "./timestamptz";

/**
 * Reads by hand-written SQL on the DataSource's pool, each statement prepared once per connection
 * (named by a hash of its text, so the same text always runs as the same prepared statement and
 * PostgreSQL parses it once per session). Rows come back as pg builds them: plain objects, shaped
 * by the statement's column aliases (see selectListOf), timestamps read by parseTimestamptz. Every statement is reported to the
 * DataSource's query logger when query logging is on, as TypeORM's own statements are.
 */
export class SqlReader {
  private readonly names = new Map<string, string>();
  private pool: Pool | undefined;

  constructor(private readonly dataSource: DataSource) {}

  async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    if (this.dataSource.options.logging) this.dataSource.logger.logQuery(text, values);
    this.pool ??= poolOf(this.dataSource);
    const result = await this.pool.query<T & object>({ name: this.nameOf(text), text, values, types: READ_TYPES });
    return result.rows;
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (name === undefined) {
      name = `r_${createHash("sha1").update(text).digest("base64url").slice(0, 16)}`;
      this.names.set(text, name);
    }
    return name;
  }
}
