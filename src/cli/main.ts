import "reflect-metadata";
import { parseArgs } from "node:util";
import pino from "pino";
import { type Config, ConfigError, loadConfig } from "../config";
import { stopEmbeddedPostgres } from "../database/embedded-postgres";
import { openDatabase } from "../database/open-database";
import { createLogger } from "../logging/logger";
import { parsePublicId, toPublicId } from "../services/shared/public-id";
import { createServices, type Services } from "../services/services";

const USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  account:create --name NAME [--number E164]... [--key-name NAME]
                                                   create an account (and its agent numbers and first API key)
  number:add --account ACCOUNT_ID --number E164    register an agent number to an account
  key:create --account ACCOUNT_ID [--name NAME]    create an API key (printed once, with its id)
  key:list --account ACCOUNT_ID                    list an account's API keys (id, name, created, last used, revoked; never the key)
  key:revoke --key-id KEY_ID                       revoke an API key
  webhook:set --account ACCOUNT_ID --url URL       POST the account's outbound messages to URL (prints the signing secret once)
  webhook:clear --account ACCOUNT_ID               queue outbound messages for the SMS provider again
  db:stop [--force]                                stop the embedded PostgreSQL of EMBEDDED_POSTGRES_DIR left running
                                                   (--force: even while a Parley process uses it)

Each command prints one JSON object on stdout. Uses DATABASE_URL, or the embedded PostgreSQL
in .data/postgres (shared with a running \`npm start\`).`;

class UsageError extends Error {}

type Options = {
  name?: string;
  number?: string[];
  account?: string;
  "key-id"?: string;
  "key-name"?: string;
  url?: string;
  force?: boolean;
};
type Command = (services: Services, options: Options) => Promise<object>;

const required = (value: string | undefined, flag: string): string => {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
};

/** A key's name: 1 to 100 characters, no control characters (it is printed in listings). */
const keyName = (value: string | undefined, flag: string): string | null => {
  if (value === undefined) return null;
  if (!/^[^\p{Cc}]{1,100}$/u.test(value) || value.trim() === "")
    throw new UsageError(`${flag} must be 1 to 100 characters, without control characters`);
  return value;
};

const accountIdOf = async (services: Services, id: string): Promise<string> => {
  const uuid = parsePublicId("account", id);
  if (!uuid || !(await services.accounts.exists(uuid))) throw new Error(`no account ${id}`);
  return uuid;
};

const commands: Record<string, Command> = {
  "account:create": async (services, options) => {
    const numbers = options.number ?? [];
    // One transaction: a bad or taken number leaves no half-made account behind.
    const name = keyName(options["key-name"], "--key-name");
    const { account, key } = await services.dataSource.transaction(async (manager) => {
      const account = await services.accounts.create(required(options.name, "--name"), numbers, manager);
      return { account, key: await services.apiKeys.create(account.id, { name, manager }) };
    });
    return {
      accountId: toPublicId("account", account.id),
      keyId: toPublicId("apiKey", key.keyId),
      apiKey: key.apiKey,
      agentNumbers: numbers,
    };
  },
  "number:add": async (services, options) => {
    const accountId = await accountIdOf(services, required(options.account, "--account"));
    const numbers = options.number ?? [];
    if (numbers.length !== 1) throw new UsageError("--number is required, once");
    const agentNumber = await services.accounts.addAgentNumber(accountId, numbers[0]);
    return { agentNumberId: toPublicId("agentNumber", agentNumber.id), number: agentNumber.number };
  },
  "key:create": async (services, options) => {
    const accountId = await accountIdOf(services, required(options.account, "--account"));
    const name = keyName(options.name, "--name");
    const { keyId, apiKey } = await services.apiKeys.create(accountId, { name });
    return { keyId: toPublicId("apiKey", keyId), name, apiKey };
  },
  "key:list": async (services, options) => {
    const accountId = await accountIdOf(services, required(options.account, "--account"));
    const keys = await services.apiKeys.list(accountId);
    return {
      accountId: options.account,
      keys: keys.map((key) => ({
        keyId: toPublicId("apiKey", key.keyId),
        name: key.name,
        keyPrefix: key.keyPrefix,
        createdAt: key.createdAt.toISOString(),
        lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
        revokedAt: key.revokedAt?.toISOString() ?? null,
      })),
    };
  },
  "webhook:set": async (services, options) => {
    const accountId = await accountIdOf(services, required(options.account, "--account"));
    const { url, secret } = await services.accounts.setWebhook(accountId, required(options.url, "--url"));
    return { accountId: options.account, webhookUrl: url, webhookSecret: secret };
  },
  "webhook:clear": async (services, options) => {
    const accountId = await accountIdOf(services, required(options.account, "--account"));
    await services.accounts.setWebhook(accountId, null);
    return { accountId: options.account, webhookUrl: null };
  },
  "key:revoke": async (services, options) => {
    const keyId = required(options["key-id"], "--key-id");
    const uuid = parsePublicId("apiKey", keyId);
    if (!uuid || !(await services.apiKeys.revoke(uuid))) throw new Error(`no active API key ${keyId}`);
    return { keyId, revoked: true };
  },
};

/** Checked before the database is opened, so usage errors answer at once. */
const REQUIRED: Record<string, Array<keyof Options>> = {
  "account:create": ["name"],
  "number:add": ["account", "number"],
  "key:create": ["account"],
  "key:list": ["account"],
  "key:revoke": ["key-id"],
  "webhook:set": ["account", "url"],
  "webhook:clear": ["account"],
};

/** Where a run of the CLI writes, and the environment it reads. */
export interface CliIo {
  /** The command's one JSON object, and nothing else. */
  stdout: { write(text: string): unknown };
  /** Usage, errors and logs. */
  stderr: pino.DestinationStream;
  /** Read for the configuration (DATABASE_URL, LOG_LEVEL, …). */
  env: Record<string, string | undefined>;
}

/** Runs one CLI command (`argv` without node and the script); resolves to the exit code: 0 done, 1 failed, 2 usage error. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    io.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `cli failed: ${(error as Error).message}\n`);
    return 1;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command && name !== "db:stop") {
    io.stderr.write(`${name ? `Unknown command "${name}". ` : ""}${USAGE}\n`);
    return 2;
  }
  let options: Options;
  try {
    options = parseArgs({
      args: rest,
      options: {
        name: { type: "string" },
        number: { type: "string", multiple: true },
        account: { type: "string" },
        "key-id": { type: "string" },
        "key-name": { type: "string" },
        url: { type: "string" },
        force: { type: "boolean" },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }

  const missing = (REQUIRED[name] ?? []).filter((flag) => options[flag] === undefined);
  if (missing.length > 0) {
    io.stderr.write(`${name}: ${missing.map((flag) => `--${flag}`).join(", ")} required\n\n${USAGE}\n`);
    return 2;
  }

  const config = loadConfig({ LOG_LEVEL: "warn", ...io.env });
  // Before any database is opened: opening would start (or adopt) the very server to stop.
  if (name === "db:stop") return stopDatabase(config, options, io);
  // Logs go to stderr: stdout carries only the command's JSON.
  const logger = createLogger(config.logLevel, { service: "parley-cli", destination: io.stderr });
  if (!command) return 2;
  const database = await openDatabase(config, logger);
  try {
    const result = await command(createServices(database.dataSource, { logger }), options);
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`${name}: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await database.close();
  }
}

/** `db:stop`: stops the embedded PostgreSQL of the configured folder (see stopEmbeddedPostgres). */
async function stopDatabase(config: Config, options: Options, io: CliIo): Promise<number> {
  if (config.databaseUrl) {
    io.stderr.write("db:stop: DATABASE_URL is set; db:stop stops only the embedded PostgreSQL (unset DATABASE_URL)\n");
    return 2;
  }
  const dir = config.embeddedPostgresDir;
  const outcome = await stopEmbeddedPostgres(dir, { force: options.force === true });
  if (!outcome.stopped && outcome.reason === "in-use") {
    io.stderr.write(
      `db:stop: the embedded PostgreSQL in ${dir} is used by Parley process ${outcome.ownerPid}, which stops it when it stops` +
        ` (Ctrl-C, or kill ${outcome.ownerPid}); --force stops it now\n`,
    );
    return 1;
  }
  io.stdout.write(
    `${JSON.stringify(outcome.stopped ? { stopped: true, dir, pid: outcome.pid, port: outcome.port } : { stopped: false, dir, running: false })}\n`,
  );
  return 0;
}

if (require.main === module) {
  // fd 2 written synchronously: every line is out before process.exit.
  void main(process.argv.slice(2), { stdout: process.stdout, stderr: pino.destination({ dest: 2, sync: true }), env: process.env }).then(
    (code) => process.exit(code),
  );
}
