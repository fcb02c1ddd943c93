import type { Database } from '../../db/database.ts';

/** Advisory-lock keys of the Docker integration's work (a namespace apart from the migration lock's). */
export const LOCK_NAMESPACE = 0x646b; // 'dk'

/**
 * Runs `work` holding the advisory lock `key` of a PostgreSQL server, so one core replica at a time does it;
 * `wait: false` skips the work (answering undefined) when another replica holds the lock. The lock is a
 * transaction's (released on commit whatever happens), and `work` does its own queries outside that
 * transaction. An embedded database belongs to this process alone: no lock is needed.
 */
export async function withRunLock<T>(
  db: Database,
  key: number,
  options: { wait: boolean },
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (db.kind === 'embedded') return work();
  return db.transaction(async (tx) => {
    if (options.wait) await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, key]);
    else {
      const rows = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', [
        LOCK_NAMESPACE,
        key,
      ]);
      if (!rows[0]?.locked) return undefined;
    }
    return work();
  });
}

/** A stable 32-bit lock key for a uuid (an outpost's). */
export function lockKeyOf(uuid: string): number {
  return Number.parseInt(uuid.replaceAll('-', '').slice(0, 8), 16) | 0;
}
