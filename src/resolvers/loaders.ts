import DataLoader from "dataloader";
import type { AgentNumber } from "../entities/agent-number.entity";
import type { SmsConversation } from "../entities/sms-conversation.entity";
import type { SmsMessage } from "../entities/sms-message.entity";
import type { WebhookDeliveryAttempt } from "../entities/webhook-delivery-attempt.entity";
import type { Workflow } from "../entities/workflow.entity";
import type { EffectiveTimeoutConfig } from "../services/shared/timeout-rules.sql";
import { type Page, type PageRequest, pageShapeOf } from "../services/shared/pagination";
import type { Services } from "../services/services";

/** What the loaders read through. */
export type LoaderServices = Pick<Services, "conversationQueries" | "messages" | "agentNumbers" | "workflows" | "optOuts">;

/**
 * Per-request batching: nested fields of a list (each conversation's workflow, agent number,
 * messages, …) are fetched with one statement per field, whatever the list's length.
 */
export interface Loaders {
  conversation: DataLoader<string, SmsConversation | null>;
  message: DataLoader<string, SmsMessage | null>;
  agentNumber: DataLoader<string, AgentNumber | null>;
  workflow: DataLoader<string, Workflow | null>;
  /** By conversation id. */
  effectiveTimeoutConfig: DataLoader<string, EffectiveTimeoutConfig | null>;
  conversationCount: DataLoader<string, number>;
  /** By conversation id: whether its user is opted out of its agent number. */
  userOptedOut: DataLoader<string, boolean>;
  webhookAttempts: DataLoader<string, WebhookDeliveryAttempt[]>;
  /** By conversation id: the first page of its messages of the page shape of `request` (size and direction; no cursor). */
  firstMessages(request: PageRequest): DataLoader<string, Page<SmsMessage>>;
  /** Forgets everything loaded: a subscription's context lives long, and each event must read fresh rows. */
  clearAll(): void;
}

const byKey = <T, K>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): Array<T | null> => {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
};

/**
 * Loaders scoped to one account: ids of other accounts load as null. Each is made on first use:
 * most requests (a mutation, a single read) touch one or none.
 */
export function createLoaders(services: LoaderServices, accountId: string | null): Loaders {
  return new RequestLoaders(services, accountId ?? "00000000-0000-0000-0000-000000000000");
}

class RequestLoaders implements Loaders {
  private readonly made: Partial<Omit<Loaders, "clearAll" | "firstMessages">> = {};
  /** One loader per page shape: each loads the pages of every conversation asking for it in one statement. */
  private readonly firstMessagesByShape = new Map<number, DataLoader<string, Page<SmsMessage>>>();

  constructor(
    private readonly services: LoaderServices,
    private readonly account: string,
  ) {}

  clearAll(): void {
    for (const loader of Object.values(this.made)) (loader as DataLoader<unknown, unknown>).clearAll();
    for (const loader of this.firstMessagesByShape.values()) loader.clearAll();
  }

  get conversation(): Loaders["conversation"] {
    return (this.made.conversation ??= new DataLoader(async (ids) =>
      byKey(ids, await this.services.conversationQueries.findByIds(this.account, ids), (c) => c.id),
    ));
  }

  get message(): Loaders["message"] {
    return (this.made.message ??= new DataLoader(async (ids) =>
      byKey(ids, await this.services.messages.findByIds(this.account, ids), (m) => m.id),
    ));
  }

  get agentNumber(): Loaders["agentNumber"] {
    return (this.made.agentNumber ??= new DataLoader(async (ids) =>
      byKey(ids, await this.services.agentNumbers.findByIds(this.account, ids), (n) => n.id),
    ));
  }

  get workflow(): Loaders["workflow"] {
    return (this.made.workflow ??= new DataLoader(async (ids) =>
      byKey(ids, await this.services.workflows.findByConversations(ids), (w) => w.conversationId),
    ));
  }

  get effectiveTimeoutConfig(): Loaders["effectiveTimeoutConfig"] {
    return (this.made.effectiveTimeoutConfig ??= new DataLoader(async (ids) => {
      const configs = await this.services.conversationQueries.effectiveTimeoutConfigs(this.account, ids);
      return ids.map((id) => configs.get(id) ?? null);
    }));
  }

  get conversationCount(): Loaders["conversationCount"] {
    return (this.made.conversationCount ??= new DataLoader(async (ids) => {
      const counts = await this.services.agentNumbers.conversationCounts(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }));
  }

  get userOptedOut(): Loaders["userOptedOut"] {
    return (this.made.userOptedOut ??= new DataLoader(async (ids) => {
      const optedOut = await this.services.optOuts.optedOutByConversation(this.account, ids);
      return ids.map((id) => optedOut.get(id) ?? false);
    }));
  }

  get webhookAttempts(): Loaders["webhookAttempts"] {
    return (this.made.webhookAttempts ??= new DataLoader(async (ids) => {
      const attempts = await this.services.messages.webhookAttempts(ids);
      return ids.map((id) => attempts.filter((attempt) => attempt.messageId === id));
    }));
  }

  firstMessages(request: PageRequest): DataLoader<string, Page<SmsMessage>> {
    const shape = pageShapeOf(request);
    let loader = this.firstMessagesByShape.get(shape);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const pages = await this.services.messages.firstPages(ids, request);
        return ids.map((id) => pages.get(id)!);
      });
      this.firstMessagesByShape.set(shape, loader);
    }
    return loader;
  }
}
