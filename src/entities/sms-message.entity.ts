import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { SmsConversation } from "./sms-conversation.entity";
import { SmsMessageKind } from "./sms-message-kind.enum";
import { SmsSender } from "./sms-sender.enum";
import { DeliveryStatus } from "./delivery-status.enum";

/** One message of a conversation. */
@Entity({ name: "sms_message" })
@Index("sms_message_conversation_created_idx", ["conversationId", "createdAt", "id"])
// Idempotency: a provider message SID is recorded once per account (NULLs never collide).
@Index("sms_message_account_message_sid_key", ["accountId", "messageSid"], { unique: true })
// Idempotency of a send: its key is recorded once per account; only sent messages carry one.
@Index("sms_message_account_idempotency_key_key", ["accountId", "idempotencyKey"], { unique: true, where: `"idempotency_key" IS NOT NULL` })
export class SmsMessage {
  @PrimaryColumn("uuid")
  id!: string;

  @Column({ name: "conversation_id", type: "uuid" })
  conversationId!: string;

  @ManyToOne(() => SmsConversation, { onDelete: "CASCADE" })
  @JoinColumn({ name: "conversation_id", foreignKeyConstraintName: "sms_message_conversation_id_fkey" })
  conversation?: SmsConversation;

  /**
   * Its conversation's account, copied for account-scoped reads and the messageSid key; kept
   * equal by the code that writes messages (every statement copies it from the conversation), not
   * by a key of the database.
   */
  @Column({ name: "account_id", type: "uuid" })
  accountId!: string;

  @Column({ type: "enum", enum: SmsSender, enumName: "sms_sender" })
  sender!: SmsSender;

  @Column({ type: "enum", enum: SmsMessageKind, enumName: "sms_message_kind", default: SmsMessageKind.NORMAL })
  kind!: SmsMessageKind;

  @Column("text")
  body!: string;

  @Column({ name: "message_sid", type: "text", nullable: true })
  messageSid!: string | null;

  /** The caller's idempotency key of a message it had Parley send (sendSmsMessage); null for every other message. */
  @Column({ name: "idempotency_key", type: "text", nullable: true })
  idempotencyKey!: string | null;

  /** For outbound messages Parley sends (sendSmsMessage's, the timeout flow's): where delivery stands. */
  @Column({ name: "delivery_status", type: "enum", enum: DeliveryStatus, enumName: "sms_delivery_status", nullable: true })
  deliveryStatus!: DeliveryStatus | null;

  // clock_timestamp(), not now(): messages of one transaction still get increasing times.
  @Column({ name: "created_at", type: "timestamptz", default: () => "clock_timestamp()" })
  createdAt!: Date;
}
