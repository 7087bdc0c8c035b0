import type { Logger as QueryLogger } from "typeorm";

/** The statements the API sends to PostgreSQL while `enabled` (a harness's `queryLogger`). */
export class StatementLog implements QueryLogger {
  statements: string[] = [];
  enabled = false;
  logQuery(query: string): void {
    if (this.enabled) this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
