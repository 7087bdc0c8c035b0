import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createParleyClient } from "../examples/client/client";
import {
  ContinueConversationDocument,
  CreateConversationDocument,
  ListConversationsDocument,
  type OnMessageAddedSubscription,
  OnMessageAddedDocument,
} from "../examples/client/generated/graphql";
import { type Harness, randomNumber, startHarness } from "./support/harness";

const ROOT = path.resolve(__dirname, "..");

describe("the generated typed client", () => {
  it("is what `npm run codegen` generates from schema.graphql and the example operations", () => {
    const printed = execFileSync(path.join(ROOT, "node_modules/.bin/ts-node"), ["--transpile-only", "scripts/print-codegen.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    const outputs = JSON.parse(printed) as Array<{ filename: string; content: string }>;
    expect(outputs.length).toBeGreaterThan(0);
    for (const { filename, content } of outputs) {
      expect({ filename, content: fs.readFileSync(path.resolve(ROOT, filename), "utf8") }).toEqual({ filename, content });
    }
  });

  describe("against a running server", () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness({ runWorker: true });
    });
    afterAll(() => harness.close());

    it("creates, continues, lists and subscribes, typed end to end", async () => {
      const account = await harness.createAccount();
      const client = createParleyClient({ url: `${harness.baseUrl}/graphql`, apiKey: account.apiKey });
      const received: OnMessageAddedSubscription[] = [];
      const unsubscribe = client.subscribe(OnMessageAddedDocument, {}, (data) => received.push(data));
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const userNumber = randomNumber();
        const created = await client.request(CreateConversationDocument, {
          input: { userNumber, agentNumber: account.agentNumbers[0], message: "Hi, I need help" },
        });
        expect(created.createSmsConversation.userErrors).toEqual([]);
        const conversationId = created.createSmsConversation.conversationId!;

        const continued = await client.request(ContinueConversationDocument, {
          userNumber,
          agentNumber: account.agentNumbers[0],
          message: "Sure, what is it?",
          timeOut: 600,
        });
        expect(continued.createSmsConversation.conversationId).toBe(conversationId);
        expect(continued.createSmsConversation.conversation?.timeoutAt).toEqual(expect.any(String));
        expect(continued.createSmsConversation.conversation?.messages.edges.map((edge) => edge.node.body)).toEqual([
          "Hi, I need help",
          "Sure, what is it?",
        ]);

        const list = await client.request(ListConversationsDocument, { first: 10 });
        expect(list.smsConversations.totalCount).toBe(1);
        expect(list.smsConversations.edges[0].node).toMatchObject({ id: conversationId, userNumber, status: "ACTIVE" });

        const deadline = Date.now() + 10_000;
        while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        expect(received.map((data) => [data.smsMessageAdded.sender, data.smsMessageAdded.body])).toEqual([
          ["USER", "Hi, I need help"],
          ["AGENT", "Sure, what is it?"],
        ]);
      } finally {
        unsubscribe();
        await client.close();
      }
    });
  });
});
