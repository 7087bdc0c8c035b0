import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from "typeorm";
import { AgentNumberChannel } from "../services/agent-numbers/agent-number-channel.enum";
import { AgentNumber } from "./agent-number.entity";
import { SmsConversationStatus } from "./sms-conversation-status.enum";

/** A conversation between one user number and one of an account's agent numbers. */
@Entity({ name: "sms_conversation" })
// The database, not only the code, keeps one ACTIVE conversation per pair and channel.
@Index("sms_conversation_one_active_per_pair", ["accountId", "agentNumberId", "userNumber", "channel"], {
  unique: true,
  where: `"status" = 'ACTIVE'`,
})
// Keyset pages for every order and filter of smsConversations: (filter columns, sort key, id).
@Index("sms_conversation_account_created_idx", ["accountId", "createdAt", "id"])
@Index("sms_conversation_account_updated_idx", ["accountId", "updatedAt", "id"])
@Index("sms_conversation_account_status_created_idx", ["accountId", "status", "createdAt", "id"])
@Index("sms_conversation_account_status_updated_idx", ["accountId", "status", "updatedAt", "id"])
@Index("sms_conversation_account_agent_created_idx", ["accountId", "agentNumber", "createdAt", "id"])
@Index("sms_conversation_account_agent_updated_idx", ["accountId", "agentNumber", "updatedAt", "id"])
@Index("sms_conversation_account_user_idx", ["accountId", "userNumber", "createdAt"])
export class SmsConversation {
  @PrimaryColumn("uuid")
  id!: string;

  @Column({ name: "account_id", type: "uuid" })
  accountId!: string;

  @Index("sms_conversation_agent_number_id_idx")
  @Column({ name: "agent_number_id", type: "uuid" })
  agentNumberId!: string;

  /**
   * One key for both: the account of a conversation is its agent number's (an account's deletion
   * reaches its conversations through its agent numbers), checked once per row written.
   */
  @ManyToOne(() => AgentNumber, { onDelete: "CASCADE" })
  @JoinColumn([
    { name: "agent_number_id", referencedColumnName: "id", foreignKeyConstraintName: "sms_conversation_agent_number_fkey" },
    { name: "account_id", referencedColumnName: "accountId", foreignKeyConstraintName: "sms_conversation_agent_number_fkey" },
  ])
  agentNumberEntity?: AgentNumber;

  /** Copy of the agent number's E.164 value (immutable), so reads need no join. */
  @Column({ name: "agent_number", type: "text" })
  agentNumber!: string;

  @Column({ name: "user_number", type: "text" })
  userNumber!: string;

  /** SMS or WhatsApp: the same pair has one conversation per channel, each with its channel's config. */
  @Column({ type: "enum", enum: AgentNumberChannel, enumName: "sms_channel", default: AgentNumberChannel.SMS })
  channel!: AgentNumberChannel;

  @Column({
    type: "enum",
    enum: SmsConversationStatus,
    enumName: "sms_conversation_status",
    default: SmsConversationStatus.ACTIVE,
  })
  status!: SmsConversationStatus;

  @Column({ name: "curr_pathway_id", type: "uuid", nullable: true })
  currPathwayId!: string | null;

  @Column({ name: "curr_pathway_version", type: "text", nullable: true })
  currPathwayVersion!: string | null;

  @Column({ name: "current_node_id", type: "text", nullable: true })
  currentNodeId!: string | null;

  @Column({ name: "request_data", type: "jsonb", nullable: true })
  requestData!: object | null;

  @Column({ name: "time_out", type: "integer", nullable: true })
  timeOut!: number | null;

  @Column({ name: "timeout_message", type: "text", nullable: true })
  timeoutMessage!: string | null;

  @Column({ name: "warning_time", type: "integer", nullable: true })
  warningTime!: number | null;

  @Column({ name: "warning_message", type: "text", nullable: true })
  warningMessage!: string | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;

  @Column({ name: "archived_at", type: "timestamptz", nullable: true })
  archivedAt!: Date | null;

  /** When the pending warning timer fires; null when none is pending. */
  @Column({ name: "warning_at", type: "timestamptz", nullable: true })
  warningAt!: Date | null;

  /** When the pending timeout (end) timer fires; null when none is pending. */
  @Column({ name: "timeout_at", type: "timestamptz", nullable: true })
  timeoutAt!: Date | null;

  /**
   * When the warning timer's queued job runs, if one is queued and not yet run: a job no later
   * than the timer wakes it (a timer that is not due yet when its job runs is queued again), so a
   * timer restarted later than its job needs no new job. Null: none known.
   */
  @Column({ name: "warning_job_at", type: "timestamptz", nullable: true })
  warningJobAt!: Date | null;

  /** As warningJobAt, for the timeout (end) timer. */
  @Column({ name: "timeout_job_at", type: "timestamptz", nullable: true })
  timeoutJobAt!: Date | null;

  /** When the timeout flow ended the conversation. */
  @Column({ name: "timed_out_at", type: "timestamptz", nullable: true })
  timedOutAt!: Date | null;
}
