import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CHANNEL_NAME, type Database, type Queryable } from './database.ts';
import { lockDataDir } from './data-dir-lock.ts';

/** The database files' folder inside the data folder (beside the secret key and the lock). */
export const EMBEDDED_DB_FOLDER = 'pgdata';

/**
 * Opens the embedded database (PGlite: PostgreSQL compiled to WebAssembly) in `<dataDir>/pgdata`, or in
 * memory when `dataDir` is `memory://`. It belongs to this one process (a lock file enforces it): the CLI
 * talks to the running server instead of opening the folder beside it.
 */
export async function openEmbeddedDatabase(dataDir: string): Promise<Database> {
  let release = () => {};
  if (!dataDir.startsWith('memory://')) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    release = await lockDataDir(dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir.startsWith('memory://') ? dataDir : join(dataDir, EMBEDDED_DB_FOLDER));
  } catch (error) {
    release();
    throw error;
  }
  const run = (q: Pick<PGlite, 'query'>): Queryable['query'] =>
    async function query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await q.query<Row>(sql, params ? [...params] : undefined);
      return result.rows;
    };
  return {
    kind: 'embedded',
    query: run(pg),
    transaction: (work) => pg.transaction((tx) => work({ query: run(tx) })),
    // One process owns the database, so its one connection never drops: onResubscribed never runs.
    async listen(channel, handler) {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name ${channel}`);
      const stop = await pg.listen(channel, (payload) => {
        try {
          handler(payload);
        } catch {
          // A subscriber's failure is its own to log; it must not disturb the database's notification loop.
        }
      });
      return async () => {
        if (!pg.closed) await stop();
      };
    },
    async ping() {
      try {
        await pg.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}
