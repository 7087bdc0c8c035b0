import type { DataSource } from "typeorm";
import { AccountService } from "./account.service";
import { AgentNumberService } from "./agent-number.service";
import { ApiKeyService, type ApiKeyServiceOptions } from "./api-key.service";
import { SmsConversationQueryService } from "./sms-conversation-query.service";
import { SmsConversationService } from "./sms-conversation.service";
import { SmsMessageService } from "./sms-message.service";
import { OutboundDelivery } from "./outbound/outbound-delivery";
import { WebhookSender, type WebhookSenderOptions } from "./outbound/webhook-sender";
import { TimeoutFlowService } from "./timeout-flow.service";
import { WorkflowService } from "./workflow.service";

/** The domain services, wired once per process. */
export interface Services {
  dataSource: DataSource;
  accounts: AccountService;
  agentNumbers: AgentNumberService;
  apiKeys: ApiKeyService;
  conversations: SmsConversationService;
  conversationQueries: SmsConversationQueryService;
  messages: SmsMessageService;
  workflows: WorkflowService;
  timeoutFlow: TimeoutFlowService;
  webhooks: WebhookSender;
}

export interface ServicesOptions {
  webhook?: WebhookSenderOptions;
  apiKeys?: ApiKeyServiceOptions;
}

export function createServices(dataSource: DataSource, options: ServicesOptions = {}): Services {
  const accounts = new AccountService(dataSource);
  const agentNumbers = new AgentNumberService(dataSource);
  const workflows = new WorkflowService(dataSource);
  return {
    dataSource,
    accounts,
    agentNumbers,
    apiKeys: new ApiKeyService(dataSource, options.apiKeys),
    conversations: new SmsConversationService(dataSource, agentNumbers, workflows),
    conversationQueries: new SmsConversationQueryService(dataSource),
    messages: new SmsMessageService(dataSource),
    workflows,
    timeoutFlow: new TimeoutFlowService(dataSource, workflows, new OutboundDelivery()),
    webhooks: new WebhookSender(dataSource, options.webhook),
  };
}
