import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildSchema, parse, validate } from "graphql";
import { DEMO_AGENT_NUMBER } from "../src/demo-account";
import { parsePublicId } from "../src/services/shared/public-id";
import { type Harness, startHarness, type TestAccount } from "./support/harness";
import { eventually } from "./support/eventually";

/*
 * Every code block of README.md and docs/api.md, run as a reader pastes it, against a running
 * Parley on Node as it runs this test (the version package.json's engines states):
 * - `graphql`: validated against schema.graphql; when a `json` block follows, that block is its
 *   variables and the operation is run over HTTP;
 * - `json` (an answer shown): parses;
 * - `sh`: each `curl` command runs in bash; the other lines must be the npm commands other tests
 *   cover (npm install, npm start, npm test);
 * - `js`: saved as an .mjs file next to node_modules and run with node;
 * - `ts`: saved at the repository's root, where its imports point, and run with ts-node,
 *   type-checked.
 * The only edits: `localhost:4000` becomes this test's server, and the placeholder key
 * (`prl_…your key…`, or PARLEY_API_KEY in the environment) the test account's key.
 */

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "..");
const SCRATCH = path.join(ROOT, "node_modules", ".cache", "parley-snippets");
const NPM_COMMANDS = new Set(["npm install && npm start", "npm install && npm test"]);

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
}

function blocks(file: string): Block[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const found: Block[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    found.push({ file, line: text.slice(0, match.index).split("\n").length, lang: match[1], code: match[2] });
  }
  return found;
}

const ALL = [...blocks("README.md"), ...blocks("docs/api.md")];
/** The block's commands, one per line, except that a line inside a single-quoted argument continues the command; comments dropped. */
function commandsOf(code: string): string[] {
  const commands: string[] = [];
  let pending = "";
  for (const line of code.split("\n")) {
    pending = pending ? `${pending}\n${line}` : line;
    if ((pending.match(/'/g) ?? []).length % 2 === 0) {
      commands.push(pending.includes("\n") ? pending.trim() : pending.replace(/\s+#.*$/, "").trim());
      pending = "";
    }
  }
  if (pending) commands.push(pending.trim());
  return commands;
}

const where = (block: Block) => `${block.file}:${block.line}`;

let harness: Harness;
let account: TestAccount;
const children = new Set<ChildProcess>();

/** The snippet as the test runs it: the server's address and the test account's key. */
function localised(code: string): string {
  const host = harness.baseUrl.replace(/^http:\/\//, "");
  return code.replaceAll("localhost:4000", host).replaceAll("prl_…your key…", account.apiKey);
}

function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  harness = await startHarness();
  account = await harness.createAccount({ numbers: 0 });
  // The numbers the snippets use: the demo account's.
  await harness.parley.services.accounts.addAgentNumber(account.id, DEMO_AGENT_NUMBER);
  fs.mkdirSync(SCRATCH, { recursive: true });
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await harness?.close();
});

describe("the code blocks of README.md and docs/api.md", () => {
  it("are only of the kinds this test runs", () => {
    expect(ALL.length).toBeGreaterThan(0);
    for (const block of ALL) expect(`${where(block)} ${block.lang}`).toMatch(/ (graphql|json|sh|js|ts)$/);
  });

  it("graphql blocks fit the schema, and each with variables after it runs without errors and writes its rows", async () => {
    const schema = buildSchema(fs.readFileSync(path.join(ROOT, "schema.graphql"), "utf8"));
    let ran = 0;
    for (const [index, block] of ALL.entries()) {
      if (block.lang !== "graphql") continue;
      expect({ at: where(block), errors: validate(schema, parse(block.code)).map((error) => error.message) }).toEqual({
        at: where(block),
        errors: [],
      });
      const next = ALL[index + 1];
      if (next?.lang !== "json" || next.file !== block.file) continue;
      const { status, body } = await harness.graphql(block.code, JSON.parse(next.code) as Record<string, unknown>, {
        apiKey: account.apiKey,
      });
      expect({ at: where(block), status, errors: body.errors }).toEqual({ at: where(block), status: 200, errors: undefined });
      for (const payload of Object.values(body.data ?? {}))
        expect({ at: where(block), userErrors: payload.userErrors }).toEqual({ at: where(block), userErrors: [] });
      ran++;
    }
    expect(ran).toBeGreaterThanOrEqual(2);
    const { rows: conversations } = await harness.db.query("SELECT time_out, warning_time FROM sms_conversation WHERE account_id = $1", [
      account.id,
    ]);
    expect(conversations).toContainEqual({ time_out: 600, warning_time: 300 });
    const { rows: numbers } = await harness.db.query("SELECT sms_config FROM agent_number WHERE number = $1", [DEMO_AGENT_NUMBER]);
    expect(numbers[0].sms_config).toMatchObject({ timeOut: 600, warningTime: 300 });
  });

  it("json blocks that are not variables parse", () => {
    for (const block of ALL.filter((candidate) => candidate.lang === "json")) expect(() => JSON.parse(block.code) as unknown).not.toThrow();
  });

  it("sh blocks: the curl commands answer as the README shows, and the rest are the npm commands", async () => {
    let curls = 0;
    for (const block of ALL.filter((candidate) => candidate.lang === "sh")) {
      // A command continued over lines (backslash-newline, or a single-quoted argument spanning lines) is one command.
      const commands = commandsOf(block.code.replace(/\\\n/g, " "));
      const [curlCommands, others] = [
        commands.filter((command) => command.startsWith("curl ")),
        commands.filter((command) => command && !command.startsWith("curl ")),
      ];
      expect({ at: where(block), others: others.filter((command) => !NPM_COMMANDS.has(command)) }).toEqual({
        at: where(block),
        others: [],
      });
      for (const command of curlCommands) {
        const { code, stdout, stderr } = await run("bash", ["-c", localised(command)]);
        expect({ at: where(block), code, stderr }).toEqual({ at: where(block), code: 0, stderr: "" });
        const answer = JSON.parse(stdout);
        // GraphQL's createSmsConversation, or REST's POST /v1/sms/create.
        const created = answer.data.createSmsConversation ?? {
          ...answer.data,
          conversationId: answer.data.conversation_id,
          userErrors: [],
        };
        expect(created).toMatchObject({ message: "SMS conversation created successfully", userErrors: [] });
        const { rows } = await harness.db.query("SELECT id FROM sms_conversation WHERE id = $1", [
          parsePublicId("conversation", created.conversationId),
        ]);
        expect(rows).toHaveLength(1);
        curls++;
      }
    }
    expect(curls).toBeGreaterThanOrEqual(1);
  });

  it("js blocks run with node as .mjs files: the subscription prints the account's new messages and Ctrl-C ends it cleanly", async () => {
    const scripts = ALL.filter((block) => block.lang === "js");
    expect(scripts.length).toBeGreaterThanOrEqual(1);
    for (const block of scripts) {
      const file = path.join(SCRATCH, `snippet-${block.line}.mjs`);
      fs.writeFileSync(file, localised(block.code));
      const child = spawn(process.execPath, [file], {
        env: { ...process.env, PARLEY_API_KEY: account.apiKey },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.add(child);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      // Its subscription starts once connected: keep writing until it hears a message.
      let sent = 0;
      await eventually(
        async () => {
          const { body } = await harness.graphql(
            `mutation { createSmsConversation(input: { userNumber: "+15555550123", agentNumber: "${DEMO_AGENT_NUMBER}", message: "ping ${sent++}" }) { conversationId userErrors { code } } }`,
            {},
            { apiKey: account.apiKey },
          );
          expect(body.data?.createSmsConversation.userErrors).toEqual([]);
          expect({ stdout, stderr }).toEqual({ stdout: expect.stringContaining('"smsMessageAdded"'), stderr: "" });
        },
        { timeoutMs: 20_000, intervalMs: 300 },
      );
      const line = JSON.parse(stdout.split("\n")[0]);
      expect(line.smsMessageAdded).toMatchObject({ sender: "USER", body: expect.stringMatching(/^ping \d+$/) });
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      children.delete(child);
      expect(stderr).toBe("");
    }
  });

  it("ts blocks run with ts-node from the repository's root, type-checked, and print what they read", async () => {
    const programs = ALL.filter((block) => block.lang === "ts");
    expect(programs.length).toBeGreaterThanOrEqual(1);
    for (const block of programs) {
      const file = path.join(ROOT, `.snippet-${process.pid}-${block.line}.ts`);
      fs.writeFileSync(file, localised(block.code));
      try {
        const { code, stdout, stderr } = await run(path.join(ROOT, "node_modules/.bin/ts-node"), [file], {
          env: { PARLEY_API_KEY: account.apiKey },
        });
        expect({ at: where(block), code, stderr }).toEqual({ at: where(block), code: 0, stderr: "" });
        const { rows } = await harness.db.query("SELECT id FROM sms_conversation WHERE account_id = $1 AND status = 'ACTIVE'", [
          account.id,
        ]);
        expect(rows.length).toBeGreaterThan(0);
        expect(stdout.trim().split("\n")).toHaveLength(rows.length);
        expect(stdout).toMatch(/^conv_[0-9a-f]{32} ACTIVE \+1555\d{7}$/m);
      } finally {
        fs.rmSync(file, { force: true });
      }
    }
  });
});

describe("the GET advice of docs/api.md", () => {
  it("a GET query without a preflight header is refused as CSRF, and answered with apollo-require-preflight", async () => {
    const url = `${harness.baseUrl}/graphql?query=${encodeURIComponent("{ agentNumbers(first: 1) { edges { node { number } } } }")}`;
    const refused = await fetch(url, { headers: { authorization: account.apiKey } });
    expect(refused.status).toBe(400);
    const refusal = (await refused.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(refusal.errors[0]).toMatchObject({
      extensions: { code: "BAD_REQUEST" },
      message: expect.stringContaining("Cross-Site Request Forgery"),
    });

    const answered = await fetch(url, { headers: { authorization: account.apiKey, "apollo-require-preflight": "true" } });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ data: { agentNumbers: { edges: [{ node: { number: DEMO_AGENT_NUMBER } }] } } });
  });
});
