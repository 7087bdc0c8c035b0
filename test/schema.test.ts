import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createDataSource } from "../src/database/data-source";
import { buildParleySchema, printParleySchema } from "../src/resolvers/schema";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

describe("schema.graphql", () => {
  it("is what the code generates (run `npm run schema:print` after changing the API)", async () => {
    const committed = fs.readFileSync(path.join(__dirname, "..", "schema.graphql"), "utf8");
    expect(committed).toBe(printParleySchema(await buildParleySchema()));
  });

  it("describes every type and field", async () => {
    const schema = await buildParleySchema();
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || ["String", "Int", "Boolean", "ID", "Float"].includes(type.name)) continue;
      // Root operation types are documented by their fields.
      const isRoot = ["Query", "Mutation", "Subscription"].includes(type.name);
      if (!type.description && !isRoot) undocumented.push(type.name);
      if ("getFields" in type) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});

describe("migrations", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("produce exactly the schema the entities describe (no drift, nothing left for synchronize)", async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it("enforce one ACTIVE conversation per account, agent number and user number in the database itself", async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const [{ indexdef }] = await dataSource.query(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'sms_conversation_one_active_per_pair'",
      );
      expect(indexdef).toMatch(/UNIQUE INDEX .* \(account_id, agent_number_id, user_number, channel\) WHERE \(status = 'ACTIVE'/);
      const [{ indexdef: sid }] = await dataSource.query(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'sms_message_account_message_sid_key'",
      );
      expect(sid).toMatch(/UNIQUE INDEX .* \(account_id, message_sid\)/);
    } finally {
      await dataSource.destroy();
    }
  });

  it("refuse a conversation whose account is not its agent number's, and delete an account's conversations and messages with it", async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const [a, b] = ["a", "b"].map(() => randomUUID());
      const [numberA, numberB] = [randomUUID(), randomUUID()];
      await dataSource.query("INSERT INTO account (id, name) VALUES ($1, 'A'), ($2, 'B')", [a, b]);
      await dataSource.query(
        "INSERT INTO agent_number (id, account_id, number) VALUES ($1, $2, '+15550000001'), ($3, $4, '+15550000002')",
        [numberA, a, numberB, b],
      );
      const conversation = (account: string, number: string) =>
        dataSource.query(
          "INSERT INTO sms_conversation (id, account_id, agent_number_id, agent_number, user_number) VALUES ($1, $2, $3, 'x', '+15550000009') RETURNING id",
          [randomUUID(), account, number],
        );
      await expect(conversation(a, numberB)).rejects.toMatchObject({ code: "23503", constraint: "sms_conversation_agent_number_fkey" });
      const [{ id }] = await conversation(a, numberA);
      await dataSource.query("INSERT INTO sms_message (id, conversation_id, account_id, sender, body) VALUES ($1, $2, $3, 'USER', 'hi')", [
        randomUUID(),
        id,
        a,
      ]);

      await dataSource.query("DELETE FROM account WHERE id = $1", [a]);
      const [left] = await dataSource.query(
        "SELECT (SELECT count(*) FROM sms_conversation WHERE account_id = $1)::int AS conversations, (SELECT count(*) FROM sms_message WHERE account_id = $1)::int AS messages",
        [a],
      );
      expect(left).toEqual({ conversations: 0, messages: 0 });
    } finally {
      await dataSource.destroy();
    }
  });
});
