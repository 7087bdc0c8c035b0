import type { DataSource } from "typeorm";
import { AccountService } from "./account.service";
import { ApiKeyService } from "./api-key.service";
import { SmsConversationService } from "./sms-conversation.service";
import { SmsMessageService } from "./sms-message.service";
import { WorkflowService } from "./workflow.service";

/** The domain services, wired once per process. */
export interface Services {
  dataSource: DataSource;
  accounts: AccountService;
  apiKeys: ApiKeyService;
  conversations: SmsConversationService;
  messages: SmsMessageService;
  workflows: WorkflowService;
}

export function createServices(dataSource: DataSource): Services {
  const accounts = new AccountService(dataSource);
  const workflows = new WorkflowService(dataSource);
  return {
    dataSource,
    accounts,
    apiKeys: new ApiKeyService(dataSource),
    conversations: new SmsConversationService(dataSource, accounts, workflows),
    messages: new SmsMessageService(dataSource),
    workflows,
  };
}
