import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.ts';

/**
 * Opens the embedded database (PGlite: PostgreSQL compiled to WebAssembly) in `dataDir`, or in memory when
 * `dataDir` is `memory://`. It belongs to this one process: the CLI talks to the running server instead of
 * opening the folder beside it.
 */
export async function openEmbeddedDatabase(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pg = await PGlite.create(dataDir);
  const run = (q: Pick<PGlite, 'query'>): Queryable['query'] =>
    async function query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await q.query<Row>(sql, params ? [...params] : undefined);
      return result.rows;
    };
  return {
    kind: 'embedded',
    query: run(pg),
    transaction: (work) => pg.transaction((tx) => work({ query: run(tx) })),
    async ping() {
      try {
        await pg.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => pg.close(),
  };
}
