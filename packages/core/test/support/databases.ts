import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/db/database.ts';
import { openEmbeddedDatabase } from '../../src/db/embedded.ts';
import { openServerDatabase } from '../../src/db/server.ts';

/**
 * The storage backends every storage-touching suite runs against: the embedded database always, and a real
 * PostgreSQL server when PALISADE_TEST_POSTGRESQL_URL names one (CI starts one and sets it; in CI its absence
 * is a failure, not a skip). Each opened database is new: a fresh in-memory PGlite, or a database created on
 * the server for this run and dropped when closed.
 */
export interface TestBackend {
  name: 'embedded' | 'postgres';
  open(): Promise<Database>;
}

const serverUrl = process.env.PALISADE_TEST_POSTGRESQL_URL;
if (!serverUrl && process.env.CI) {
  throw new Error(
    'CI must provide PALISADE_TEST_POSTGRESQL_URL so the storage suites run on a real PostgreSQL server',
  );
}

/** Why the server backend is absent, for the skip message of a local run. */
export const POSTGRES_SKIP_REASON = serverUrl
  ? undefined
  : 'PALISADE_TEST_POSTGRESQL_URL is not set (CI sets it; see docs/development.md)';

/** The backends to run a suite against. */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [{ name: 'embedded', open: () => openEmbeddedDatabase('memory://') }];
  if (serverUrl) backends.push({ name: 'postgres', open: () => openServerTestDatabase(serverUrl) });
  return backends;
}

/** Creates a database on the server for one test, and drops it when the handle closes. */
export async function openServerTestDatabase(adminUrl: string): Promise<Database> {
  const name = `palisade_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openServerDatabase(url.toString());
  return {
    ...db,
    kind: db.kind,
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** A connection string to a new server database (for tests that start the whole server), with its cleanup. */
export async function createServerTestDatabaseUrl(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `palisade_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
