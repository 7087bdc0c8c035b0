import { Field, ID, ObjectType } from "type-graphql";
import type { Workflow } from "../../entities/workflow.entity";
import { WorkflowStatus } from "../../entities/workflow-status.enum";
import { toPublicId } from "../../services/public-id";
import "./register-enums";

@ObjectType("Workflow", { description: "The durable process behind a conversation (setup, then the timeout flow)." })
export class WorkflowType {
  @Field(() => ID, { description: "Stable for the conversation's life; the mutation's `workflowId`." })
  id!: string;

  @Field(() => WorkflowStatus, { description: "Where the workflow is." })
  status!: WorkflowStatus;

  static from(workflow: Workflow): WorkflowType {
    return Object.assign(new WorkflowType(), { id: toPublicId("workflow", workflow.id), status: workflow.status });
  }
}
