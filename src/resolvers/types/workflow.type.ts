import { DateTimeISOResolver } from "graphql-scalars";
import { Field, ID, Int, ObjectType } from "type-graphql";
import type { SmsConversation } from "../../entities/sms-conversation.entity";
import type { Workflow } from "../../entities/workflow.entity";
import { WorkflowStatus } from "../../entities/workflow-status.enum";
import { toPublicId } from "../../services/shared/public-id";
import { TimerKind } from "../../services/workflows/workflow-contract";
import "./register-enums";

@ObjectType({
  simpleResolvers: true,
  description: "A timer of the timeout flow that has not fired yet.",
})
export class PendingTimer {
  @Field(() => TimerKind, { description: "Which timer." })
  kind!: TimerKind;

  @Field(() => DateTimeISOResolver, { description: "When it fires." })
  fireAt!: Date;
}

@ObjectType("Workflow", {
  simpleResolvers: true,
  description: "The durable process behind a conversation (setup, then the timeout flow).",
})
export class WorkflowType {
  @Field(() => ID, { description: "Stable for the conversation's life; the mutation's `workflowId`." })
  id!: string;

  @Field(() => WorkflowStatus, { description: "Where the workflow is." })
  status!: WorkflowStatus;

  @Field(() => PendingTimer, { nullable: true, description: "The next timer to fire; null when none is pending." })
  pendingTimer!: PendingTimer | null;

  @Field(() => Int, { description: "Task runs so far, failed ones included." })
  attempts!: number;

  @Field(() => String, { nullable: true, description: "The last task failure; null after a success." })
  lastError!: string | null;

  @Field(() => DateTimeISOResolver, { description: "When the workflow last changed." })
  updatedAt!: Date;

  static from(workflow: Workflow, conversation: SmsConversation): WorkflowType {
    const next = nextTimer(conversation);
    return Object.assign(new WorkflowType(), {
      id: toPublicId("workflow", workflow.id),
      status: workflow.status,
      pendingTimer: next ? Object.assign(new PendingTimer(), next) : null,
      attempts: workflow.attempts,
      lastError: workflow.lastError,
      updatedAt: workflow.updatedAt,
    });
  }
}

/** The conversation's timer that fires next, if any. */
function nextTimer({ warningAt, timeoutAt }: Pick<SmsConversation, "warningAt" | "timeoutAt">): { kind: TimerKind; fireAt: Date } | null {
  if (warningAt && (!timeoutAt || warningAt <= timeoutAt)) return { kind: TimerKind.WARNING, fireAt: warningAt };
  if (timeoutAt) return { kind: TimerKind.TIMEOUT, fireAt: timeoutAt };
  return null;
}
