import type { DataSource } from "typeorm";
import { poolOf, writerPoolOf } from "../database/data-source";
import { EventPublisher } from "../events/event-publisher";
import { createLogger, type Logger } from "../logging/logger";
import { AccountService } from "./accounts/account.service";
import { AgentNumberService } from "./agent-numbers/agent-number.service";
import { ApiKeyService, type ApiKeyServiceOptions } from "./accounts/api-key.service";
import { SmsConversationQueryService } from "./conversations/sms-conversation-query.service";
import { OptOutService } from "./opt-outs/opt-out.service";
import { SmsConversationService } from "./conversations/sms-conversation.service";
import { SmsMessageService } from "./conversations/sms-message.service";
import { AnonymousAttempts } from "./rate-limit/anonymous-attempts";
import { KeyBudget } from "./rate-limit/key-budget";
import type { RateLimitOptions } from "../config";
import { WebhookSender, type WebhookSenderOptions } from "./outbound/webhook-sender";
import { TimeoutFlowService } from "./conversations/timeout-flow.service";
import { MessageRecorder } from "./conversations/message-recorder";
import { WorkflowService } from "./workflows/workflow.service";
import type { WriteBatcherOptions } from "./shared/write-batcher";

/** The domain services, wired once per process. */
export interface Services {
  dataSource: DataSource;
  accounts: AccountService;
  agentNumbers: AgentNumberService;
  apiKeys: ApiKeyService;
  conversations: SmsConversationService;
  conversationQueries: SmsConversationQueryService;
  optOuts: OptOutService;
  messages: SmsMessageService;
  workflows: WorkflowService;
  timeoutFlow: TimeoutFlowService;
  webhooks: WebhookSender;
  /** Sends subscribers' events after the changes commit. */
  events: EventPublisher;
  /** Each key's budget of cost points (shared by every process), and unauthenticated requests per address. */
  rateLimits: { keys: KeyBudget; anonymous: AnonymousAttempts };
}

export interface ServicesOptions {
  webhook?: WebhookSenderOptions;
  apiKeys?: ApiKeyServiceOptions;
  /** How the write path batches calls (group commit). (Default: WriteBatcher's defaults) */
  writeBatching?: WriteBatcherOptions;
  /** Where background failures (an event batch not published) are reported. (Default: a `warn` logger) */
  logger?: Logger;
  /** (Default: no limits) */
  rateLimit?: RateLimitOptions;
}

export function createServices(dataSource: DataSource, options: ServicesOptions = {}): Services {
  const accounts = new AccountService(dataSource);
  const agentNumbers = new AgentNumberService(dataSource);
  const workflows = new WorkflowService(dataSource);
  const pool = poolOf(dataSource);
  const events = new EventPublisher(pool, options.logger ?? createLogger("warn"));
  const rateLimit = options.rateLimit ?? { points: 0, windowSeconds: 60, anonymousPoints: 0 };
  // The one write path of every message, on connections of its own (see writerPoolOf).
  const recorder = new MessageRecorder(writerPoolOf(dataSource), options.writeBatching);
  return {
    dataSource,
    accounts,
    agentNumbers,
    apiKeys: new ApiKeyService(dataSource, options.apiKeys),
    conversations: new SmsConversationService(agentNumbers, workflows, events, recorder),
    conversationQueries: new SmsConversationQueryService(dataSource),
    optOuts: new OptOutService(dataSource),
    messages: new SmsMessageService(dataSource),
    workflows,
    timeoutFlow: new TimeoutFlowService(recorder, workflows, events),
    webhooks: new WebhookSender(dataSource, options.webhook),
    events,
    rateLimits: {
      keys: new KeyBudget(pool, rateLimit),
      anonymous: new AnonymousAttempts(rateLimit),
    },
  };
}
