import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";

const made = new WeakMap<DataSource, Map<string, string>>();

/**
 * The SELECT list of every column an entity declares, each aliased to its property name
 * (`c.account_id AS "accountId"`): pg then builds each row in the entity's own shape, so a read
 * hands its rows on as they come, with no mapping or ORM hydration between the rows and the
 * response. Made once per entity and alias from the entity's metadata, so it follows the entity.
 */
export function selectListOf<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, alias: string): string {
  let lists = made.get(dataSource);
  if (!lists) made.set(dataSource, (lists = new Map<string, string>()));
  const metadata = dataSource.getMetadata(entity);
  const key = `${metadata.tableName}|${alias}`;
  let list = lists.get(key);
  if (list === undefined) {
    list = metadata.columns.map((column) => `${alias}.${column.databaseName} AS "${column.propertyName}"`).join(", ");
    lists.set(key, list);
  }
  return list;
}
