import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { AgentNumber } from "./agent-number.entity";

/**
 * A user number an agent number talks to, across channels: its opt-out state. Every message of
 * the pair upserts this row in the write path, so the state is read and changed under its lock.
 */
@Entity({ name: "sms_recipient" })
@Index("sms_recipient_opted_out_idx", ["agentNumberId", "optedOutAt", "userNumber"], { where: `"opted_out"` })
export class SmsRecipient {
  @PrimaryColumn({ name: "agent_number_id", type: "uuid", primaryKeyConstraintName: "sms_recipient_pkey" })
  agentNumberId!: string;

  @PrimaryColumn({ name: "user_number", type: "text", primaryKeyConstraintName: "sms_recipient_pkey" })
  userNumber!: string;

  @Column({ name: "account_id", type: "uuid" })
  accountId!: string;

  @ManyToOne(() => AgentNumber, { onDelete: "CASCADE" })
  @JoinColumn([
    { name: "agent_number_id", referencedColumnName: "id", foreignKeyConstraintName: "sms_recipient_agent_number_fkey" },
    { name: "account_id", referencedColumnName: "accountId", foreignKeyConstraintName: "sms_recipient_agent_number_fkey" },
  ])
  agentNumber?: AgentNumber;

  /** The user sent an opt-out keyword (STOP, …) and no opt-in keyword since: agent messages are refused. */
  @Column({ name: "opted_out", type: "boolean", default: false })
  optedOut!: boolean;

  @Column({ name: "opted_out_at", type: "timestamptz", nullable: true })
  optedOutAt!: Date | null;

  /** The keyword of the latest opt-out, as the write path normalised it (upper case). */
  @Column({ name: "opt_out_keyword", type: "text", nullable: true })
  optOutKeyword!: string | null;

  @Column({ name: "opted_in_at", type: "timestamptz", nullable: true })
  optedInAt!: Date | null;

  @Column({ name: "opt_in_keyword", type: "text", nullable: true })
  optInKeyword!: string | null;
}
