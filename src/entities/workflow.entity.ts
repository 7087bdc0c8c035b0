import { Column, CreateDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from "typeorm";
import { SmsConversation } from "./sms-conversation.entity";
import { WorkflowStatus } from "./workflow-status.enum";

/** The durable process behind one conversation; its id is the API's `workflowId`. */
@Entity({ name: "workflow" })
// Workflows waiting for their setup, oldest first: the worker's only scan of this table.
@Index("workflow_pending_idx", ["createdAt"], { where: `"status" = 'PENDING'` })
export class Workflow {
  @PrimaryColumn("uuid")
  id!: string;

  @Column({ name: "conversation_id", type: "uuid" })
  conversationId!: string;

  @OneToOne(() => SmsConversation, { onDelete: "CASCADE" })
  @JoinColumn({ name: "conversation_id", foreignKeyConstraintName: "workflow_conversation_id_fkey" })
  conversation?: SmsConversation;

  @Column({ type: "enum", enum: WorkflowStatus, enumName: "workflow_status", default: WorkflowStatus.PENDING })
  status!: WorkflowStatus;

  /** Task runs so far, failed ones included. */
  @Column({ type: "integer", default: 0 })
  attempts!: number;

  /** The last task failure's message; null after a success. */
  @Column({ name: "last_error", type: "text", nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
