import { Column, CreateDateColumn, Entity, PrimaryColumn } from "typeorm";

/** A tenant: owns API keys, agent numbers and conversations. */
@Entity({ name: "account" })
export class Account {
  @PrimaryColumn("uuid")
  id!: string;

  @Column("text")
  name!: string;

  /** Where outbound messages are POSTed; null means "queue them for an SMS provider". */
  @Column({ name: "webhook_url", type: "text", nullable: true })
  webhookUrl!: string | null;

  /** HMAC-SHA256 key of the webhook's signatures. */
  @Column({ name: "webhook_secret", type: "text", nullable: true })
  webhookSecret!: string | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
