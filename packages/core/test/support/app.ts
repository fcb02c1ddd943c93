import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { ensureInitialObjects } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { PalisadeConfig } from '../../src/config/schema.ts';
import { type AppContext, createAppContext } from '../../src/context.ts';
import type { Database } from '../../src/db/database.ts';
import { migrate, readMigrations } from '../../src/db/migrate.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { findUserByUsername } from '../../src/identity/users-repository.ts';
import type { OutpostHubOptions } from '../../src/outposts/hub/hub.ts';
import type { RacTransportOptions } from '../../src/rac/relay/transport.ts';
import type { TestBackend } from './databases.ts';

/** A core app on a fresh, migrated database, with an admin api token, for in-process (inject) tests. */
export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  db: Database;
  /** An api token of akadmin (a superuser): `Authorization: Bearer ${adminToken}`. */
  adminToken: string;
  /** Headers that authenticate as akadmin. */
  adminHeaders: Record<string, string>;
  close(): Promise<void>;
}

/** Test settings: small login limits so throttling tests run fast; overridable per test. */
export function testConfig(env: Record<string, string> = {}): Readonly<PalisadeConfig> {
  return loadConfig({
    env: {
      PALISADE_DATA_DIR: 'memory://',
      PALISADE_SECRET_KEY: 'test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz',
      PALISADE_LOG_LEVEL: 'silent',
      // No metrics port unless a test asks for one: the default 9300 would clash between test cores.
      PALISADE_LISTEN__METRICS: '',
      ...env,
    },
  });
}

/** Builds the app on a new database of `backend`. */
export async function createTestApp(
  backend: TestBackend,
  env: Record<string, string> = {},
  options: {
    logger?: FastifyBaseLogger;
    outpostHub?: OutpostHubOptions;
    racTransport?: Partial<RacTransportOptions>;
  } = {},
): Promise<TestApp> {
  const config = testConfig(env);
  const db = await backend.open();
  const migrations = await readMigrations();
  await migrate(db, migrations);
  const ctx = await createAppContext({ config, db, secretKey: config.secret_key ?? '', migrations });
  const app = await buildHttpApp(ctx, {
    logger: options.logger ?? false,
    outpostHub: options.outpostHub,
    racTransport: options.racTransport,
  });
  await ensureInitialObjects(ctx, app.log);
  const admin = await findUserByUsername(db, 'akadmin');
  if (!admin) throw new Error('akadmin was not created');
  const adminToken = `test-admin-token-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  await insertToken(db, ctx.box, {
    identifier: 'test-admin',
    intent: 'api',
    userId: admin.id,
    key: adminToken,
    expiring: false,
  });
  return {
    app,
    ctx,
    db,
    adminToken,
    adminHeaders: { authorization: `Bearer ${adminToken}` },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
