import type { DataSource } from "typeorm";

/**
 * Whether the database answers a trivial statement within `timeoutMs`: false as soon as it fails
 * (unreachable, refusing, restarting) and at the latest after `timeoutMs` (no answer, or no free
 * connection in time), so a readiness probe never hangs.
 */
export async function databaseAnswers(dataSource: DataSource, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = dataSource.query("SELECT 1").then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, late]);
  } finally {
    clearTimeout(timer);
  }
}
