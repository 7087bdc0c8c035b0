import type { Logger } from "../../logging/logger";
import type { ApiKeyService } from "../../services/accounts/api-key.service";

export interface KeyRevocationWatchOptions {
  apiKeys: ApiKeyService;
  logger: Logger;
  /** How often the keys of open connections are checked again, in ms. */
  intervalMs: number;
}

/**
 * Ends the open connections of keys revoked in any process: every `intervalMs`, one statement
 * checks all distinct keys of this process's connections, and those no longer live have their
 * connections ended. Keys are known by their hash only. If the check fails (database
 * unreachable) connections stay open until a later check succeeds.
 */
export class KeyRevocationWatch {
  private readonly connections = new Map<string, Set<() => void>>();
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(private readonly options: KeyRevocationWatchOptions) {
    this.timer = setInterval(() => void this.check(), options.intervalMs);
    this.timer.unref();
  }

  /** Watches a connection of a key; `end` runs once if the key is revoked. Returns the unwatch. */
  watch(keyHash: string, end: () => void): () => void {
    let ends = this.connections.get(keyHash);
    if (!ends) this.connections.set(keyHash, (ends = new Set()));
    ends.add(end);
    return () => {
      ends.delete(end);
      if (ends.size === 0 && this.connections.get(keyHash) === ends) this.connections.delete(keyHash);
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Checks every watched key once (one at a time: a slow check is not overtaken by the next). */
  async check(): Promise<void> {
    if (this.checking || this.connections.size === 0) return;
    this.checking = true;
    try {
      const keyHashes = [...this.connections.keys()];
      const live = await this.options.apiKeys.liveKeyHashes(keyHashes);
      for (const keyHash of keyHashes) {
        if (live.has(keyHash)) continue;
        const ends = this.connections.get(keyHash);
        this.connections.delete(keyHash);
        if (!ends) continue;
        this.options.logger.info({ connections: ends.size }, "API key revoked; closing its WebSocket connections");
        for (const end of ends) end();
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, "API keys of WebSocket connections not checked; retrying");
    } finally {
      this.checking = false;
    }
  }
}
