import pg from 'pg';
import type { Database, Queryable } from './database.ts';
import { createServerListener } from './server-listener.ts';

/** TLS settings for the server connection, as `pg` takes them. */
export type PostgresSsl = false | { rejectUnauthorized: boolean };

// Timestamps stay strings in neither backend: `pg` turns timestamptz into Date by default, as PGlite does.
// bigint (int8) counts come back as strings from `pg`; the repositories cast counts to int in SQL instead.

/** Opens a pool of connections to a PostgreSQL server. */
export async function openServerDatabase(
  connectionString: string,
  ssl: PostgresSsl = false,
): Promise<Database> {
  const pool = new pg.Pool({ connectionString, ssl, max: 10, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const query: Queryable['query'] = async <Row>(sql: string, params?: readonly unknown[]) => {
    const result = await pool.query(sql, params ? [...params] : undefined);
    return result.rows as Row[];
  };
  // Fail at start, with the server's own message, rather than on the first request.
  await query('SELECT 1');
  const listener = createServerListener({ connectionString, ssl, connectionTimeoutMillis: 10_000 });
  return {
    kind: 'postgres',
    query,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row>(sql: string, params?: readonly unknown[]) =>
            (await client.query(sql, params ? [...params] : undefined)).rows as Row[],
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    listen: listener.listen,
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}
