import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { parseTimestamptz } from "./timestamptz";

interface EntityShape {
  /** `alias.column AS "property"`, every column. */
  selectList: string;
  /** `json_build_object('property', alias.column, …)`, timestamps as PostgreSQL's text. */
  jsonObject: string;
  /** The properties holding timestamps. */
  timestamps: string[];
}

const made = new WeakMap<DataSource, Map<string, EntityShape>>();

function shapeOf<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, alias: string): EntityShape {
  let shapes = made.get(dataSource);
  if (!shapes) made.set(dataSource, (shapes = new Map<string, EntityShape>()));
  const metadata = dataSource.getMetadata(entity);
  const key = `${metadata.tableName}|${alias}`;
  let shape = shapes.get(key);
  if (!shape) {
    const columns = metadata.columns;
    const isTimestamp = (type: unknown) => type === "timestamptz";
    shape = {
      selectList: columns.map((column) => `${alias}.${column.databaseName} AS "${column.propertyName}"`).join(", "),
      jsonObject: `json_build_object(${columns
        .map((column) => `'${column.propertyName}', ${alias}.${column.databaseName}${isTimestamp(column.type) ? "::text" : ""}`)
        .join(", ")})`,
      timestamps: columns.filter((column) => isTimestamp(column.type)).map((column) => column.propertyName),
    };
    shapes.set(key, shape);
  }
  return shape;
}

/**
 * The SELECT list of every column an entity declares, each aliased to its property name
 * (`c.account_id AS "accountId"`): pg then builds each row in the entity's own shape, so a read
 * hands its rows on as they come, with no mapping or ORM hydration between the rows and the
 * response. Made once per entity and alias from the entity's metadata, so it follows the entity.
 */
export function selectListOf<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, alias: string): string {
  return shapeOf(dataSource, entity, alias).selectList;
}

/**
 * A row of the entity as one JSON value (`json_build_object(…)`, keyed by property names), for a
 * statement that nests rows in another's (a page's messages in each conversation of a list).
 * Read back with jsonRowReaderOf.
 */
export function jsonObjectOf<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, alias: string): string {
  return shapeOf(dataSource, entity, alias).jsonObject;
}

/** A reader of rows made by jsonObjectOf: each in the entity's own shape, its timestamps read as Dates (parseTimestamptz). */
export function jsonRowReaderOf<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
): (json: Record<string, unknown>) => T {
  const timestamps = shapeOf(dataSource, entity, "_").timestamps;
  return (json) => {
    for (const property of timestamps) {
      const value = json[property];
      if (typeof value === "string") json[property] = parseTimestamptz(value);
    }
    return json as T;
  };
}
