import type { Config } from "./config";
import type { Services } from "./services/services";
import { toPublicId } from "./services/shared/public-id";

/** Fictional numbers (555-01xx is reserved for fiction). */
export const DEMO_AGENT_NUMBER = "+15555550100";
export const DEMO_USER_NUMBER = "+15555550123";

export interface DemoAccount {
  accountId: string;
  /** The key's public id (`key_…`): what `key:list` shows and `key:revoke --key-id` takes. */
  keyId: string;
  apiKey: string;
  agentNumber: string;
}

/**
 * Whether `npm start` offers a demo account: on the embedded database of a development machine
 * only — never in production, where a key printed to the output would be a key in its logs.
 */
export function demoAccountWanted(config: Pick<Config, "databaseUrl" | "nodeEnv">): boolean {
  return config.databaseUrl === undefined && config.nodeEnv !== "production";
}

/** On an empty database, creates a demo account with one agent number and one API key. */
export async function createDemoAccountIfEmpty(services: Services): Promise<DemoAccount | null> {
  if ((await services.accounts.count()) > 0) return null;
  const account = await services.accounts.create("Demo");
  await services.accounts.addAgentNumber(account.id, DEMO_AGENT_NUMBER);
  const { apiKey, keyId } = await services.apiKeys.create(account.id, { name: "demo" });
  return { accountId: toPublicId("account", account.id), keyId: toPublicId("apiKey", keyId), apiKey, agentNumber: DEMO_AGENT_NUMBER };
}

/** What `npm start` prints once, when it created the demo account. */
export function demoBanner(demo: DemoAccount, port: number): string {
  const url = `http://localhost:${port}/graphql`;
  const body = JSON.stringify({
    query:
      "mutation Create($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { message conversationId workflowId userErrors { code field message } } }",
    variables: { input: { userNumber: DEMO_USER_NUMBER, agentNumber: demo.agentNumber, message: "Hello from Parley" } },
  });
  return [
    "",
    "  Parley created a demo account (shown once; the key is stored only as a hash):",
    "",
    `    account id    ${demo.accountId}`,
    `    agent number  ${demo.agentNumber}`,
    `    API key       ${demo.apiKey}`,
    `    API key id    ${demo.keyId}   (npm run --silent cli -- key:list --account ${demo.accountId})`,
    "",
    `  Apollo Sandbox: open ${url} and add the header`,
    `    authorization: ${demo.apiKey}`,
    "",
    "  Or with curl:",
    "",
    `    curl -s ${url} \\`,
    "      -H 'content-type: application/json' \\",
    `      -H 'authorization: ${demo.apiKey}' \\`,
    `      -d '${body}'`,
    "",
  ].join("\n");
}
