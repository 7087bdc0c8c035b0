import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { parseTimestamptz } from "./timestamptz";

/** What the reads need of an entity's columns, made once per entity from its metadata. */
interface EntityColumns {
  columns: ReadonlyArray<{ databaseName: string; propertyName: string; timestamp: boolean }>;
  /** Reads a row selected by jsonSelectListOf, as JSON (see jsonRowReaderOf). */
  readJson: (json: Record<string, unknown>) => ObjectLiteral;
  /** Made per alias and property set: `selectList` and `jsonSelectList`, by `alias` or `alias:properties`. */
  byAlias: Map<string, { selectList: string; jsonSelectList: string }>;
}

/** Select lists kept per entity, at most. */
const MAX_KEPT_LISTS = 64;

const made = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, EntityColumns>>();

function columnsOf(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): EntityColumns {
  let entities = made.get(dataSource);
  if (!entities) made.set(dataSource, (entities = new Map<EntityTarget<ObjectLiteral>, EntityColumns>()));
  let found = entities.get(entity);
  if (!found) {
    const columns = dataSource.getMetadata(entity).columns.map(({ databaseName, propertyName, type }) => ({
      databaseName,
      propertyName,
      timestamp: type === "timestamptz",
    }));
    const timestamps = columns.filter((column) => column.timestamp).map((column) => column.propertyName);
    found = {
      columns,
      readJson: (json) => {
        for (const property of timestamps) {
          const value = json[property];
          if (typeof value === "string") json[property] = parseTimestamptz(value);
        }
        return json;
      },
      byAlias: new Map(),
    };
    entities.set(entity, found);
  }
  return found;
}

/** An entity's properties, as a read names the ones it needs (undefined: every one). */
export type PropertyNames<T> = ReadonlyArray<keyof T & string>;

function aliasedOf(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string, properties?: readonly string[]) {
  const { columns, byAlias } = columnsOf(dataSource, entity);
  const read = properties ? columns.filter((column) => properties.includes(column.propertyName)) : columns;
  const key = properties ? `${alias}:${read.map((column) => column.propertyName).join(",")}` : alias;
  let aliased = byAlias.get(key);
  if (!aliased) {
    aliased = {
      selectList: read.map((column) => `${alias}.${column.databaseName} AS "${column.propertyName}"`).join(", "),
      jsonSelectList: read
        .map((column) => `${alias}.${column.databaseName}${column.timestamp ? "::text" : ""} AS "${column.propertyName}"`)
        .join(", "),
    };
    // Selections choose the property sets: past a bound, new ones are made per read, not kept.
    if (byAlias.size < MAX_KEPT_LISTS) byAlias.set(key, aliased);
  }
  return aliased;
}

/**
 * The SELECT list of every column an entity declares (or of those of `properties`, in the
 * entity's order), each aliased to its property name
 * (`c.account_id AS "accountId"`): pg then builds each row in the entity's own shape, so a read
 * hands its rows on as they come, with no mapping or ORM hydration between the rows and the
 * response. Made once per entity and alias from the entity's metadata, so it follows the entity.
 */
export function selectListOf<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  alias: string,
  properties?: PropertyNames<T>,
): string {
  return aliasedOf(dataSource, entity, alias, properties).selectList;
}

/**
 * The SELECT list of a row to be turned into JSON (`m.created_at::text AS "createdAt"`, of
 * `properties` only, if given): keyed by property names, timestamps as PostgreSQL's text, which
 * keeps their microseconds. A statement nests rows in another's (a page's messages in each
 * conversation of a list) as the JSON of a subquery's rows, `to_json(r)` or
 * `to_json(ARRAY(SELECT r FROM (SELECT <this list> …) r))`; read back with jsonRowReaderOf.
 */
export function jsonSelectListOf<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  alias: string,
  properties?: PropertyNames<T>,
): string {
  return aliasedOf(dataSource, entity, alias, properties).jsonSelectList;
}

/** The reader of rows selected by jsonSelectListOf, as JSON: each in the entity's own shape, its timestamps read as Dates (parseTimestamptz). */
export function jsonRowReaderOf<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
): (json: Record<string, unknown>) => T {
  return columnsOf(dataSource, entity).readJson as (json: Record<string, unknown>) => T;
}
