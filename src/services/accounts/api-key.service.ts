import { hash as digest, randomBytes, randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { IsNull } from "typeorm";
import { ApiKey } from "../../entities/api-key.entity";
import { TtlCache } from "../shared/ttl-cache";

/** Keys look like `prl_` + 43 URL-safe characters (32 random bytes), a shape secret scanners match. */
export const API_KEY_PREFIX = "prl_";
const API_KEY_SHAPE = /^prl_[A-Za-z0-9_-]{32,128}$/;

export interface CreatedApiKey {
  keyId: string;
  /** The key itself: shown once, never stored. */
  apiKey: string;
}

/** What an operator may see of a key: everything but the key (which is not stored anyway). */
export interface ApiKeySummary {
  keyId: string;
  name: string | null;
  /** The key's first 8 characters (`prl_` and 4 more), to tell keys apart. */
  keyPrefix: string;
  createdAt: Date;
  /** When it last authenticated a request, to within LAST_USED_RESOLUTION_MS; null if never. */
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * How precisely `lastUsedAt` is kept: it is written when a key is looked up (not served from the
 * process's cache) and the stored time is older than this, so a key in use costs one write an
 * hour per process, not one per request.
 */
export const LAST_USED_RESOLUTION_MS = 60 * 60_000;

/** The key's SHA-256 in base64: the API-key cache's key, and the stored hash's text. */
function apiKeyHashBase64(apiKey: string): string {
  // One-shot hashing: every authenticated request pays it.
  return digest("sha256", apiKey, "base64");
}

/** The key's SHA-256: what api_key.key_hash stores. */
export function hashApiKey(apiKey: string): Buffer {
  return Buffer.from(apiKeyHashBase64(apiKey), "base64");
}

/** Who a live key is: its account, the key's id (rate limits are per key) and its hash. */
export interface ApiKeyIdentity {
  accountId: string;
  keyId: string;
  /** The key's SHA-256 in base64: what a connection that outlives one request keeps instead of the key, checked again with `liveKeyHashes`. */
  keyHash: string;
}

/** How long a key found live is still worth a lookup from an address that has spent its budget of failed attempts, in ms. */
export const RECENTLY_VALID_MS = 10 * 60_000;

export interface ApiKeyServiceOptions {
  /**
   * How long a key's account is remembered in this process. A key revoked in another process
   * keeps working here for at most this long; revoked in this one, it stops at once. 0 disables
   * the cache. (Default: 5000 ms)
   */
  cacheTtlMs?: number;
}

export class ApiKeyService {
  private readonly cache: TtlCache<string, ApiKeyIdentity>;
  /**
   * Hashes of keys found live in the last RECENTLY_VALID_MS: not to authenticate (revocation must
   * reach them within the cache's TTL), only to say a key is worth looking up.
   */
  private readonly recentlyValid = new TtlCache<string, true>(RECENTLY_VALID_MS);
  /** Bumped by every revocation: a lookup that raced with one must not cache its answer. */
  private revocations = 0;

  constructor(
    private readonly dataSource: DataSource,
    options: ApiKeyServiceOptions = {},
  ) {
    this.cache = new TtlCache(options.cacheTtlMs ?? 5_000);
  }

  /** Creates a key for the account, named `name` if given; the key is returned once and only its hash stored. */
  async create(
    accountId: string,
    { name = null, manager = this.dataSource.manager }: { name?: string | null; manager?: EntityManager } = {},
  ): Promise<CreatedApiKey> {
    const apiKey = API_KEY_PREFIX + randomBytes(32).toString("base64url");
    const keyId = randomUUID();
    await manager.getRepository(ApiKey).insert({
      id: keyId,
      accountId,
      keyHash: hashApiKey(apiKey),
      keyPrefix: apiKey.slice(0, 8),
      revokedAt: null,
      name,
      lastUsedAt: null,
    });
    return { keyId, apiKey };
  }

  /** The account's keys, oldest first, revoked ones included. */
  async list(accountId: string): Promise<ApiKeySummary[]> {
    const keys = await this.dataSource.getRepository(ApiKey).find({ where: { accountId }, order: { createdAt: "ASC", id: "ASC" } });
    return keys.map((key) => ({
      keyId: key.id,
      name: key.name,
      keyPrefix: key.keyPrefix,
      createdAt: key.createdAt,
      lastUsedAt: key.lastUsedAt,
      revokedAt: key.revokedAt,
    }));
  }

  /** Revokes a key; false when there is no such key or it was already revoked. */
  async revoke(keyId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ApiKey).update({ id: keyId, revokedAt: IsNull() }, { revokedAt: () => "now()" });
    // The revoked key's hash is not known here; forget every key rather than serve it again.
    this.revocations++;
    this.cache.clear();
    return (result.affected ?? 0) > 0;
  }

  /** The account a live key belongs to, or null for a malformed, unknown or revoked key. */
  async authenticate(apiKey: string): Promise<string | null> {
    return (await this.identify(apiKey))?.accountId ?? null;
  }

  /** A live key's account, id and hash, or null for a malformed, unknown or revoked key. */
  async identify(apiKey: string): Promise<ApiKeyIdentity | null> {
    if (!API_KEY_SHAPE.test(apiKey)) return null;
    const cacheKey = apiKeyHashBase64(apiKey);
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const hash = Buffer.from(cacheKey, "base64");
    const revocationsBefore = this.revocations;
    // Lookup by hash of a high-entropy key: no timing oracle on the key itself.
    const rows: Array<{ id: string; account_id: string; last_used_stale: boolean }> = await this.dataSource.query(
      `SELECT id, account_id, last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2) AS last_used_stale
       FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hash, LAST_USED_RESOLUTION_MS / 1000],
    );
    const identity = rows[0] ? { accountId: rows[0].account_id, keyId: rows[0].id, keyHash: cacheKey } : null;
    if (identity && rows[0].last_used_stale) this.markUsed(identity.keyId);
    // Only live keys are remembered: a new key works at once, a bad one is never cached.
    if (identity && this.revocations === revocationsBefore) this.cache.set(cacheKey, identity);
    if (identity) this.recentlyValid.set(cacheKey, true);
    return identity;
  }

  /**
   * Records that a key was used, without holding up its request; the condition makes concurrent
   * processes write it once per resolution. Losing the write loses only that bit of bookkeeping.
   */
  private markUsed(keyId: string): void {
    this.dataSource
      .query(
        "UPDATE api_key SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))",
        [keyId, LAST_USED_RESOLUTION_MS / 1000],
      )
      .catch(() => undefined);
  }

  /** Whether this process found the key live recently (see recentlyValid), without reading the database. */
  wasRecentlyValid(apiKey: string): boolean {
    return API_KEY_SHAPE.test(apiKey) && this.recentlyValid.get(apiKeyHashBase64(apiKey)) === true;
  }

  /** A live key's identity if this process remembers it, without reading the database. */
  cachedIdentity(apiKey: string): ApiKeyIdentity | undefined {
    return API_KEY_SHAPE.test(apiKey) ? this.cache.get(apiKeyHashBase64(apiKey)) : undefined;
  }

  /**
   * Which of these key hashes (`ApiKeyIdentity.keyHash`) are of keys still live, read in one
   * statement and never from the cache: how holders of long-lived connections learn of keys
   * revoked in any process.
   */
  async liveKeyHashes(keyHashes: readonly string[]): Promise<Set<string>> {
    if (keyHashes.length === 0) return new Set();
    const rows: Array<{ key_hash: string }> = await this.dataSource.query(
      "SELECT encode(key_hash, 'base64') AS key_hash FROM api_key WHERE key_hash = ANY($1::bytea[]) AND revoked_at IS NULL",
      [keyHashes.map((keyHash) => Buffer.from(keyHash, "base64"))],
    );
    return new Set(rows.map((row) => row.key_hash));
  }
}
