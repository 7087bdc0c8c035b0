import { Client } from "pg";
import { CALL_COLUMNS } from "../src/services/conversations/record-call";
import { RECORD_MESSAGES_SQL, recordMessagesSql } from "../src/services/conversations/record-messages.sql";
import { ALL_PARTS, type StatementParts } from "../src/services/conversations/statement-parts";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

/*
 * The write statement is cut to the parts a round's calls use (StatementParts). Whatever the cut,
 * it is a statement PostgreSQL accepts, answering the whole statement's columns with their types;
 * what each cut does is tested through the write path (the rules, batching, opt-out, timer and
 * send tests).
 */

let database: TestDatabase;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await database.drop();
});

/** The columns a statement answers, with their types: run on no calls, it writes nothing. */
const columnsOf = async (sql: string) =>
  (await client.query({ text: sql, values: CALL_COLUMNS.map(() => []) })).fields.map((field) => `${field.name}: ${field.dataTypeID}`);

describe("the write statement's parts", () => {
  it("make, in every combination, a statement that answers the whole statement's columns", async () => {
    const whole = await columnsOf(RECORD_MESSAGES_SQL);
    const names = Object.keys(ALL_PARTS) as Array<keyof StatementParts>;
    for (let mask = 0; mask < 1 << names.length; mask++) {
      const parts = Object.fromEntries(names.map((name, bit) => [name, (mask & (1 << bit)) !== 0])) as unknown as StatementParts;
      expect({ parts, columns: await columnsOf(recordMessagesSql(parts)) }).toEqual({ parts, columns: whole });
    }
  });
});
