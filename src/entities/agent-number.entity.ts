import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from "typeorm";
import { Account } from "./account.entity";
import type { OptOutReplies } from "./opt-out-replies";
import type { TimeoutSettings } from "./timeout-settings";

/** An E.164 number an account's agent sends from, with its default timeout settings per channel. */
@Entity({ name: "agent_number" })
// What conversations reference: their agent number together with its account (so the two agree).
@Unique("agent_number_id_account_id_key", ["id", "accountId"])
export class AgentNumber {
  @PrimaryColumn("uuid")
  id!: string;

  @Index("agent_number_account_id_idx")
  @Column({ name: "account_id", type: "uuid" })
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: "CASCADE" })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "agent_number_account_id_fkey" })
  account?: Account;

  /** Unique across accounts: a number belongs to exactly one account. */
  @Index("agent_number_number_key", { unique: true })
  @Column("text")
  number!: string;

  @Column({ name: "sms_config", type: "jsonb", default: () => "'{}'" })
  smsConfig!: TimeoutSettings;

  @Column({ name: "whatsapp_config", type: "jsonb", default: () => "'{}'" })
  whatsappConfig!: TimeoutSettings;

  /** Texts of the replies to opt-out keywords (absent keys take the defaults; see opt-out-keywords.ts). */
  @Column({ name: "opt_out_replies", type: "jsonb", default: () => "'{}'" })
  optOutReplies!: OptOutReplies;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
