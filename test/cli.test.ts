import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { Pool } from "pg";
import { main } from "../src/cli/main";
import { type Config, loadConfig } from "../src/config";
import { createLogger } from "../src/logging/logger";
import { type Parley, startParley } from "../src/parley";
import { parsePublicId } from "../src/services/shared/public-id";
import { randomNumber } from "./support/harness";
import { CREATE } from "./support/operations";
import { eventually } from "./support/eventually";
import { createTestDatabase, runAdminSql, type TestDatabase, withDatabase } from "./support/test-database";

/*
 * Runs the CLI's main() in-process against a fresh test database, with its stdout, stderr and
 * environment given to it, and checks what it prints, its exit code, the rows it writes, and that
 * its keys work against a Parley on that database. One test runs the real `npm run cli` as a child
 * process, for the wiring main() does not cover (argv, the file descriptors, the exit code).
 */

const ROOT = path.resolve(__dirname, "..");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let database: TestDatabase;
let db: Pool;
let parley: Parley;
let baseUrl: string;

/** One run of the CLI's main(), in this process. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const run = { code: -1, stdout: "", stderr: "" };
  run.code = await main(args, {
    stdout: { write: (text: string) => (run.stdout += text) },
    stderr: { write: (text: string) => (run.stderr += text) },
    env: { ...process.env, DATABASE_URL: database.url, ...env },
  });
  return run;
}

/** One run of the real CLI as a user runs it (`npm run --silent cli -- …`), in a child process. */
function npmRunCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", "cli", "--", ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: database.url, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The one JSON object a successful run prints, asserting stdout holds nothing else. */
function printed(run: Run): Record<string, any> {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  expect(run.stdout).toMatch(/^[^\n]+\n$/);
  return JSON.parse(run.stdout) as Record<string, any>;
}

const rows = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;

async function graphql(query: string, variables: Record<string, unknown>, apiKey: string) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: apiKey },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any> | null; errors?: Array<{ extensions?: Record<string, any> }> };
}

/** Starts a conversation on `agentNumber` with `apiKey`: succeeds only for a live key of that number's account. */
const createConversation = (apiKey: string, agentNumber: string) =>
  graphql(CREATE, { input: { userNumber: randomNumber(), agentNumber, message: "hello from the CLI test" } }, apiKey);

/** The account of the first account:create run, shared by the tests that extend it. */
let acme: { accountId: string; uuid: string; apiKey: string; agentNumbers: string[] };

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Pool({ connectionString: database.url, max: 2 });
  // No key cache: this server must see the CLI's revocation (another process) at once.
  const config: Config = { ...loadConfig({ NODE_ENV: "test" }), databaseUrl: database.url, port: 0, runWorker: false, authCacheTtlMs: 0 };
  parley = await startParley({ config, logger: createLogger("silent") });
  baseUrl = `http://127.0.0.1:${parley.port}`;
});

afterAll(async () => {
  await db?.end();
  await parley?.stop();
  await database?.drop();
});

describe("cli", () => {
  it("account:create prints one JSON line with the account id, a new API key and the numbers, and writes the account, its numbers and only a hash of the key", async () => {
    // Even with verbose logging, stdout carries only the JSON (logs go to stderr).
    const run = await cli(["account:create", "--name", "Acme", "--number", "+15555550111", "--number", "+15555550112"], {
      LOG_LEVEL: "debug",
    });
    const output = printed(run);

    expect(Object.keys(output).sort()).toEqual(["accountId", "agentNumbers", "apiKey", "keyId"]);
    expect(output.accountId).toMatch(/^acct_[0-9a-f]{32}$/);
    expect(output.keyId).toMatch(/^key_[0-9a-f]{32}$/);
    expect(output.apiKey).toMatch(/^prl_[A-Za-z0-9_-]{32,}$/);
    expect(output.agentNumbers).toEqual(["+15555550111", "+15555550112"]);
    const uuid = parsePublicId("account", output.accountId)!;
    acme = { accountId: output.accountId, uuid, apiKey: output.apiKey, agentNumbers: output.agentNumbers };

    expect(await rows("SELECT id, name FROM account")).toEqual([{ id: uuid, name: "Acme" }]);
    expect(await rows("SELECT account_id, number, sms_config, whatsapp_config FROM agent_number ORDER BY number")).toEqual([
      { account_id: uuid, number: "+15555550111", sms_config: {}, whatsapp_config: {} },
      { account_id: uuid, number: "+15555550112", sms_config: {}, whatsapp_config: {} },
    ]);
    const keys = await rows("SELECT id, account_id, encode(key_hash, 'hex') AS key_hash, revoked_at FROM api_key");
    expect(keys).toEqual([
      { id: parsePublicId("apiKey", output.keyId), account_id: uuid, key_hash: sha256Hex(output.apiKey), revoked_at: null },
    ]);
    // The key itself (or its secret part) is stored nowhere in the table.
    const stored = (await rows("SELECT row_to_json(k)::text AS json FROM api_key k")).map((r) => r.json as string).join("\n");
    expect(stored).not.toContain(output.apiKey);
    expect(stored).not.toContain(output.apiKey.slice("prl_".length));

    // The printed key works against a running Parley, for this account's numbers.
    const { data, errors } = await createConversation(output.apiKey, "+15555550112");
    expect(errors).toBeUndefined();
    expect(data!.createSmsConversation.userErrors).toEqual([]);
    expect(await rows("SELECT account_id, agent_number FROM sms_conversation")).toEqual([
      { account_id: uuid, agent_number: "+15555550112" },
    ]);
  });

  it("number:add registers a further number to the account, with empty configs", async () => {
    const output = printed(await cli(["number:add", "--account", acme.accountId, "--number", "+15555550113"]));

    expect(output).toEqual({ agentNumberId: expect.stringMatching(/^num_[0-9a-f]{32}$/), number: "+15555550113" });
    expect(await rows("SELECT id, account_id, sms_config, whatsapp_config FROM agent_number WHERE number = '+15555550113'")).toEqual([
      { id: parsePublicId("agentNumber", output.agentNumberId), account_id: acme.uuid, sms_config: {}, whatsapp_config: {} },
    ]);
    expect(await rows("SELECT count(*)::int AS n FROM agent_number WHERE account_id = $1", [acme.uuid])).toEqual([{ n: 3 }]);
    const { data } = await createConversation(acme.apiKey, "+15555550113");
    expect(data!.createSmsConversation.userErrors).toEqual([]);
  });

  it("key:create gives a second working key, and key:revoke revokes exactly that key, once", async () => {
    const created = printed(await cli(["key:create", "--account", acme.accountId]));
    expect(created).toEqual({
      keyId: expect.stringMatching(/^key_[0-9a-f]{32}$/),
      name: null,
      apiKey: expect.stringMatching(/^prl_[A-Za-z0-9_-]{32,}$/),
    });
    expect(created.apiKey).not.toBe(acme.apiKey);
    const keyUuid = parsePublicId("apiKey", created.keyId);
    expect(await rows("SELECT account_id, encode(key_hash, 'hex') AS key_hash, revoked_at FROM api_key WHERE id = $1", [keyUuid])).toEqual([
      { account_id: acme.uuid, key_hash: sha256Hex(created.apiKey), revoked_at: null },
    ]);
    expect((await createConversation(created.apiKey, acme.agentNumbers[0])).data!.createSmsConversation.userErrors).toEqual([]);

    const revoked = printed(await cli(["key:revoke", "--key-id", created.keyId]));
    expect(revoked).toEqual({ keyId: created.keyId, revoked: true });
    const [row] = await rows("SELECT revoked_at FROM api_key WHERE id = $1", [keyUuid]);
    expect(row.revoked_at).toBeInstanceOf(Date);
    expect(await rows("SELECT count(*)::int AS n FROM api_key WHERE revoked_at IS NULL")).toEqual([{ n: 1 }]);

    const rejected = await createConversation(created.apiKey, acme.agentNumbers[0]);
    expect(rejected.data).toBeUndefined();
    expect(rejected.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    // The first key is untouched.
    expect((await createConversation(acme.apiKey, acme.agentNumbers[0])).data!.createSmsConversation.userErrors).toEqual([]);

    const again = await cli(["key:revoke", "--key-id", created.keyId]);
    expect(again).toEqual({ code: 1, stdout: "", stderr: `key:revoke: no active API key ${created.keyId}\n` });
  });

  it("key:create --name names the key, and key:list shows each key's id, name, prefix, creation, last use and revocation, never the key", async () => {
    const named = printed(await cli(["key:create", "--account", acme.accountId, "--name", "billing backend"]));
    expect(named).toEqual({
      keyId: expect.stringMatching(/^key_[0-9a-f]{32}$/),
      name: "billing backend",
      apiKey: expect.stringMatching(/^prl_/),
    });
    expect(await rows("SELECT name, last_used_at FROM api_key WHERE id = $1", [parsePublicId("apiKey", named.keyId)])).toEqual([
      { name: "billing backend", last_used_at: null },
    ]);
    // Used once: its last use is recorded (coarsely: once an hour at most, see LAST_USED_RESOLUTION_MS).
    expect((await createConversation(named.apiKey, acme.agentNumbers[0])).data!.createSmsConversation.userErrors).toEqual([]);
    // Written beside the request, not in its way.
    await eventually(async () => {
      const [used] = await rows("SELECT last_used_at FROM api_key WHERE id = $1", [parsePublicId("apiKey", named.keyId)]);
      expect(used.last_used_at).toBeInstanceOf(Date);
    });

    const run = await cli(["key:list", "--account", acme.accountId]);
    const listed = printed(run);
    const stored = await rows(
      "SELECT id, name, key_prefix, created_at, last_used_at, revoked_at FROM api_key WHERE account_id = $1 ORDER BY created_at, id",
      [acme.uuid],
    );
    expect(listed).toEqual({
      accountId: acme.accountId,
      keys: stored.map((row) => ({
        keyId: `key_${(row.id as string).replaceAll("-", "")}`,
        name: row.name,
        keyPrefix: row.key_prefix,
        createdAt: (row.created_at as Date).toISOString(),
        lastUsedAt: (row.last_used_at as Date | null)?.toISOString() ?? null,
        revokedAt: (row.revoked_at as Date | null)?.toISOString() ?? null,
      })),
    });
    // Every key of the account: the first (used), the revoked one, the named one.
    expect(listed.keys).toHaveLength(3);
    expect(listed.keys.filter((key: { revokedAt: string | null }) => key.revokedAt !== null)).toHaveLength(1);
    expect(listed.keys.at(-1)).toMatchObject({
      keyId: named.keyId,
      name: "billing backend",
      lastUsedAt: expect.any(String),
      revokedAt: null,
    });
    expect(run.stdout).not.toContain(named.apiKey);
    expect(run.stdout).not.toContain(acme.apiKey);
    expect(run.stdout).not.toContain(named.apiKey.slice(8));
  });

  it("key:list of an account that does not exist exits 1; a key name with control characters is a usage error", async () => {
    const missing = `acct_${randomBytes(16).toString("hex")}`;
    expect(await cli(["key:list", "--account", missing])).toEqual({ code: 1, stdout: "", stderr: `key:list: no account ${missing}\n` });
    const bad = await cli(["key:create", "--account", acme.accountId, "--name", "two\nlines"]);
    expect(bad).toEqual({ code: 2, stdout: "", stderr: "key:create: --name must be 1 to 100 characters, without control characters\n" });
    expect(await rows("SELECT count(*)::int AS n FROM api_key WHERE name LIKE 'two%'")).toEqual([{ n: 0 }]);
  });

  it("db:stop refuses DATABASE_URL: it stops only the embedded PostgreSQL", async () => {
    expect(await cli(["db:stop"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "db:stop: DATABASE_URL is set; db:stop stops only the embedded PostgreSQL (unset DATABASE_URL)\n",
    });
  });

  describe("errors", () => {
    it("an unknown command exits 2 with the usage on stderr and nothing on stdout", async () => {
      const run = await cli(["account:delete", "--name", "Acme"]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain('Unknown command "account:delete"');
      expect(run.stderr).toContain("Usage: npm run --silent cli -- <command> [options]");
      expect(run.stderr).toContain("key:revoke --key-id KEY_ID");
    });

    it("number:add with a number that is not E.164 exits 1 with a clear message, prints nothing and writes nothing", async () => {
      const run = await cli(["number:add", "--account", acme.accountId, "--number", "555-0100"]);
      expect(run).toEqual({ code: 1, stdout: "", stderr: expect.stringContaining('"555-0100" is not an E.164 number') });
      expect(run.stderr).toMatch(/^number:add: /);
      expect(await rows("SELECT count(*)::int AS n FROM agent_number WHERE account_id = $1", [acme.uuid])).toEqual([{ n: 3 }]);
    });

    it("number:add for an account that does not exist exits 1 and writes nothing", async () => {
      const missing = `acct_${randomBytes(16).toString("hex")}`;
      const run = await cli(["number:add", "--account", missing, "--number", "+15555550199"]);
      expect(run).toEqual({ code: 1, stdout: "", stderr: `number:add: no account ${missing}\n` });
      expect(await rows("SELECT count(*)::int AS n FROM agent_number WHERE number = '+15555550199'")).toEqual([{ n: 0 }]);
    });

    it("account:create with one bad number writes no account, no number and no key", async () => {
      const run = await cli(["account:create", "--name", "Half", "--number", "+15555550120", "--number", "bogus"]);
      expect(run).toMatchObject({ code: 1, stdout: "", stderr: expect.stringContaining('"bogus" is not an E.164 number') });
      expect(await rows("SELECT count(*)::int AS n FROM account WHERE name = 'Half'")).toEqual([{ n: 0 }]);
      expect(await rows("SELECT count(*)::int AS n FROM agent_number WHERE number = '+15555550120'")).toEqual([{ n: 0 }]);
    });

    it("a missing required flag is a usage error (exit 2) reported before touching the database", async () => {
      const run = await cli(["key:create"], { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
      expect(run).toMatchObject({ code: 2, stdout: "", stderr: expect.stringContaining("key:create: --account required") });
    });

    it("a configuration that does not load exits 1 with the problem on stderr, before touching the database", async () => {
      const run = await cli(["key:create", "--account", acme.accountId], {
        LOG_LEVEL: "loud",
        DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      });
      expect(run).toEqual({
        code: 1,
        stdout: "",
        stderr: expect.stringContaining('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'),
      });
    });
  });

  it("runs as `npm run --silent cli -- <command>` on an empty database: migrates it (logged on stderr), prints the JSON alone on stdout, exits 0", async () => {
    const adminUrl = process.env.PARLEY_TEST_ADMIN_URL!;
    const name = `parley_cli_${randomBytes(6).toString("hex")}`;
    await runAdminSql(adminUrl, `CREATE DATABASE ${name}`);
    const empty = new Pool({ connectionString: withDatabase(adminUrl, name), max: 1 });
    try {
      const run = await npmRunCli(["account:create", "--name", "Wired", "--number", "+15555550131"], {
        DATABASE_URL: withDatabase(adminUrl, name),
        LOG_LEVEL: "info",
      });
      const output = printed(run);

      expect(run.stderr).toContain('"msg":"applied migrations"');
      expect(output).toEqual({
        accountId: expect.stringMatching(/^acct_[0-9a-f]{32}$/),
        keyId: expect.stringMatching(/^key_[0-9a-f]{32}$/),
        apiKey: expect.stringMatching(/^prl_/),
        agentNumbers: ["+15555550131"],
      });
      const uuid = parsePublicId("account", output.accountId);
      expect((await empty.query("SELECT id, name FROM account")).rows).toEqual([{ id: uuid, name: "Wired" }]);
      expect((await empty.query("SELECT account_id, number FROM agent_number")).rows).toEqual([
        { account_id: uuid, number: "+15555550131" },
      ]);
    } finally {
      await empty.end();
      await runAdminSql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});

function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
