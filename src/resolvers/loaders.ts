import DataLoader from "dataloader";
import type { AgentNumber } from "../entities/agent-number.entity";
import type { SmsConversation } from "../entities/sms-conversation.entity";
import type { SmsMessage } from "../entities/sms-message.entity";
import type { WebhookDeliveryAttempt } from "../entities/webhook-delivery-attempt.entity";
import type { Workflow } from "../entities/workflow.entity";
import type { Page, PageRequest } from "../services/pagination";
import type { Services } from "../services/services";

/**
 * Per-request batching: nested fields of a list (each conversation's workflow, agent number,
 * messages, …) are fetched with one statement per field, whatever the list's length.
 */
export interface Loaders {
  conversation: DataLoader<string, SmsConversation | null>;
  message: DataLoader<string, SmsMessage | null>;
  agentNumber: DataLoader<string, AgentNumber | null>;
  workflow: DataLoader<string, Workflow | null>;
  conversationCount: DataLoader<string, number>;
  webhookAttempts: DataLoader<string, WebhookDeliveryAttempt[]>;
  firstMessages: DataLoader<{ conversationId: string; request: PageRequest }, Page<SmsMessage>, string>;
}

const byKey = <T, K>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): Array<T | null> => {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
};

/** Loaders scoped to one account: ids of other accounts load as null. */
export function createLoaders(services: Services, accountId: string | null): Loaders {
  const account = accountId ?? "00000000-0000-0000-0000-000000000000";
  return {
    conversation: new DataLoader(async (ids) => byKey(ids, await services.conversationQueries.findByIds(account, ids), (c) => c.id)),
    message: new DataLoader(async (ids) => byKey(ids, await services.messages.findByIds(account, ids), (m) => m.id)),
    agentNumber: new DataLoader(async (ids) => byKey(ids, await services.agentNumbers.findByIds(account, ids), (n) => n.id)),
    workflow: new DataLoader(async (ids) => byKey(ids, await services.workflows.findByConversations(ids), (w) => w.conversationId)),
    conversationCount: new DataLoader(async (ids) => {
      const counts = await services.agentNumbers.conversationCounts(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    webhookAttempts: new DataLoader(async (ids) => {
      const attempts = await services.messages.webhookAttempts(ids);
      return ids.map((id) => attempts.filter((attempt) => attempt.messageId === id));
    }),
    firstMessages: new DataLoader(
      async (keys) => {
        // One statement per distinct page shape (usually one), covering every conversation.
        const groups = new Map<string, { request: PageRequest; ids: string[] }>();
        for (const { conversationId, request } of keys) {
          const shape = `${request.size}:${request.forward}`;
          const group = groups.get(shape) ?? { request, ids: [] };
          group.ids.push(conversationId);
          groups.set(shape, group);
        }
        const pages = new Map<string, Page<SmsMessage>>();
        for (const [shape, { request, ids }] of groups) {
          for (const [id, page] of await services.messages.firstPages(ids, request)) pages.set(`${id}:${shape}`, page);
        }
        return keys.map(({ conversationId, request }) => pages.get(`${conversationId}:${request.size}:${request.forward}`)!);
      },
      { cacheKeyFn: ({ conversationId, request }) => `${conversationId}:${request.size}:${request.forward}` },
    ),
  };
}

/** Forgets everything loaded: a subscription's context lives long, and each event must read fresh rows. */
export function clearLoaders(loaders: Loaders): void {
  for (const loader of Object.values(loaders)) (loader as DataLoader<unknown, unknown>).clearAll();
}
