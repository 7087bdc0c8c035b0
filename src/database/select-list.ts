import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { parseTimestamptz } from "./timestamptz";

/** What the reads need of an entity's columns, made once per entity from its metadata. */
interface EntityColumns {
  columns: ReadonlyArray<{ databaseName: string; propertyName: string; timestamp: boolean }>;
  /** Reads a row made by jsonObjectOf (see jsonRowReaderOf). */
  readJson: (json: Record<string, unknown>) => ObjectLiteral;
  /** Made per alias: `selectList` and `jsonObject`, by alias. */
  byAlias: Map<string, { selectList: string; jsonObject: string }>;
}

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

function aliasedOf(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string) {
  const { columns, byAlias } = columnsOf(dataSource, entity);
  let aliased = byAlias.get(alias);
  if (!aliased) {
    aliased = {
      selectList: columns.map((column) => `${alias}.${column.databaseName} AS "${column.propertyName}"`).join(", "),
      jsonObject: `json_build_object(${columns
        .map((column) => `'${column.propertyName}', ${alias}.${column.databaseName}${column.timestamp ? "::text" : ""}`)
        .join(", ")})`,
    };
    byAlias.set(alias, aliased);
  }
  return aliased;
}

/**
 * The SELECT list of every column an entity declares, each aliased to its property name
 * (`c.account_id AS "accountId"`): pg then builds each row in the entity's own shape, so a read
 * hands its rows on as they come, with no mapping or ORM hydration between the rows and the
 * response. Made once per entity and alias from the entity's metadata, so it follows the entity.
 */
export function selectListOf<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, alias: string): string {
  return aliasedOf(dataSource, entity, alias).selectList;
}

/**
 * A row of the entity as one JSON value (`json_build_object(…)`, keyed by property names,
 * timestamps as PostgreSQL's text), for a statement that nests rows in another's (a page's
 * messages in each conversation of a list). Read back with jsonRowReaderOf.
 */
export function jsonObjectOf<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, alias: string): string {
  return aliasedOf(dataSource, entity, alias).jsonObject;
}

/** The reader of rows made by jsonObjectOf: each in the entity's own shape, its timestamps read as Dates (parseTimestamptz). */
export function jsonRowReaderOf<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
): (json: Record<string, unknown>) => T {
  return columnsOf(dataSource, entity).readJson as (json: Record<string, unknown>) => T;
}
