import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Account } from "./account.entity";

/** An API key. The key itself is shown once; only its SHA-256 is stored. */
@Entity({ name: "api_key" })
export class ApiKey {
  @PrimaryColumn("uuid")
  id!: string;

  @Index("api_key_account_id_idx")
  @Column({ name: "account_id", type: "uuid" })
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: "CASCADE" })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "api_key_account_id_fkey" })
  account?: Account;

  @Index("api_key_key_hash_key", { unique: true })
  @Column({ name: "key_hash", type: "bytea" })
  keyHash!: Buffer;

  /** The first characters of the key, so people can tell their keys apart. */
  @Column({ name: "key_prefix", type: "text" })
  keyPrefix!: string;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  /** A name given at creation (`key:create --name`), so people can tell their keys apart; null if none was given. */
  @Column({ type: "text", nullable: true })
  name!: string | null;

  /** When the key last authenticated a request, to within LAST_USED_RESOLUTION_MS (see ApiKeyService.identify); null if never. */
  @Column({ name: "last_used_at", type: "timestamptz", nullable: true })
  lastUsedAt!: Date | null;
}
