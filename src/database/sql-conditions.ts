/**
 * A WHERE clause built condition by condition, each value bound as the next positional
 * parameter (`$n`): values never become SQL text.
 */
export class SqlConditions {
  readonly values: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Binds a value and returns its placeholder (`$n`). */
  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Adds a condition; `sql` gets the placeholder of `value` (bound once, however often it is used). */
  add(sql: string | ((placeholder: string) => string), ...value: [] | [unknown]): this {
    this.conditions.push(typeof sql === "string" ? sql : sql(this.bind(value[0])));
    return this;
  }

  /** `WHERE …` joining every condition with AND ("" when there is none). */
  get where(): string {
    return this.conditions.length === 0 ? "" : `WHERE ${this.conditions.join(" AND ")}`;
  }
}
