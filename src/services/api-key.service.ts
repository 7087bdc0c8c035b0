import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { IsNull } from "typeorm";
import { ApiKey } from "../entities/api-key.entity";

/** Keys look like `prl_` + 43 URL-safe characters (32 random bytes), a shape secret scanners match. */
export const API_KEY_PREFIX = "prl_";
const API_KEY_SHAPE = /^prl_[A-Za-z0-9_-]{32,128}$/;

export interface CreatedApiKey {
  keyId: string;
  /** The key itself: shown once, never stored. */
  apiKey: string;
}

export function hashApiKey(apiKey: string): Buffer {
  return createHash("sha256").update(apiKey).digest();
}

export class ApiKeyService {
  constructor(private readonly dataSource: DataSource) {}

  async create(accountId: string, manager: EntityManager = this.dataSource.manager): Promise<CreatedApiKey> {
    const apiKey = API_KEY_PREFIX + randomBytes(32).toString("base64url");
    const keyId = randomUUID();
    await manager.getRepository(ApiKey).insert({
      id: keyId,
      accountId,
      keyHash: hashApiKey(apiKey),
      keyPrefix: apiKey.slice(0, 8),
      revokedAt: null,
    });
    return { keyId, apiKey };
  }

  /** Revokes a key; false when there is no such key or it was already revoked. */
  async revoke(keyId: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiKey)
      .update({ id: keyId, revokedAt: IsNull() }, { revokedAt: () => "now()" });
    return (result.affected ?? 0) > 0;
  }

  /** The account a live key belongs to, or null for a malformed, unknown or revoked key. */
  async authenticate(apiKey: string): Promise<string | null> {
    if (!API_KEY_SHAPE.test(apiKey)) return null;
    // Lookup by hash of a high-entropy key: no timing oracle on the key itself.
    const rows: Array<{ account_id: string }> = await this.dataSource.query(
      "SELECT account_id FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL",
      [hashApiKey(apiKey)],
    );
    return rows[0]?.account_id ?? null;
  }
}
