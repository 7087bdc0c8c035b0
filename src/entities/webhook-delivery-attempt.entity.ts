import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { SmsMessage } from "./sms-message.entity";

/** One POST of an outbound message to its account's webhook. */
@Entity({ name: "webhook_delivery_attempt" })
@Index("webhook_delivery_attempt_message_idx", ["messageId", "attempt"])
export class WebhookDeliveryAttempt {
  @PrimaryColumn("uuid")
  id!: string;

  @Column({ name: "message_id", type: "uuid" })
  messageId!: string;

  @ManyToOne(() => SmsMessage, { onDelete: "CASCADE" })
  @JoinColumn({ name: "message_id", foreignKeyConstraintName: "webhook_delivery_attempt_message_id_fkey" })
  message?: SmsMessage;

  /** 1 for the first POST. */
  @Column("integer")
  attempt!: number;

  @Column({ name: "attempted_at", type: "timestamptz" })
  attemptedAt!: Date;

  /** HTTP status of the answer; null when none came (network error, timeout). */
  @Column({ name: "status_code", type: "integer", nullable: true })
  statusCode!: number | null;

  @Column({ name: "latency_ms", type: "integer" })
  latencyMs!: number;

  /** Why the attempt failed; null on success. */
  @Column({ type: "text", nullable: true })
  error!: string | null;
}
