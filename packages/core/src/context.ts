import type { PalisadeConfig } from './config/schema.ts';
import type { Database } from './db/database.ts';
import type { Migration } from './db/migrate.ts';
import type { LoginThrottle } from './flows/login-throttle.ts';
import { createLoginThrottle } from './flows/login-throttle.ts';
import { shareLoginThrottle } from './flows/shared-throttle.ts';
import { EventBus } from './events/bus.ts';
import { type Csrf, createCsrf } from './http/csrf.ts';
import { createSecretBox, type SecretBox } from './identity/secret-box.ts';
import { queryOne } from './db/database.ts';
import { VERSION } from './version.ts';
import { type CoreMetrics, createCoreMetrics } from './metrics/core-metrics.ts';

/**
 * Everything a request handler needs, built once at start and passed in: handlers import no singletons,
 * so a test builds its own context around its own database.
 */
export interface AppContext {
  readonly config: Readonly<PalisadeConfig>;
  readonly db: Database;
  readonly box: SecretBox;
  readonly csrf: Csrf;
  readonly throttle: LoginThrottle;
  /** Domain events (session.end …) for the parts that react to changes made elsewhere. */
  readonly events: EventBus;
  readonly migrations: readonly Migration[];
  /** Random id of this installation, created by the first migration; user uids derive from it. */
  readonly installId: string;
  readonly version: string;
  /** The core's Prometheus metrics (served on the metrics port by the server). */
  readonly metrics: CoreMetrics;
}

/** Builds the context around an open, migrated database. */
export async function createAppContext(input: {
  config: Readonly<PalisadeConfig>;
  db: Database;
  secretKey: string;
  migrations: readonly Migration[];
}): Promise<AppContext> {
  const { config } = input;
  const row = await queryOne<{ value: string }>(
    input.db,
    "SELECT value FROM instance_settings WHERE key = 'install_id'",
  );
  if (!row) throw new Error('install_id is missing: the database is not migrated');
  const local = createLoginThrottle({
    maxFailuresPerUsername: config.login.max_failures_per_username,
    maxFailuresPerAddress: config.login.max_failures_per_address,
    scope: config.login.lockout_scope,
    baseDelaySeconds: config.login.lockout_base_seconds,
    maxDelaySeconds: config.login.lockout_max_seconds,
  });
  // On PostgreSQL there may be other replicas: they share their counts (flows/shared-throttle.ts).
  const throttle = input.db.kind === 'postgres' ? shareLoginThrottle(local, input.db) : local;
  return {
    config,
    db: input.db,
    box: createSecretBox(input.secretKey),
    csrf: createCsrf(input.secretKey),
    throttle,
    events: new EventBus(),
    migrations: input.migrations,
    installId: row.value,
    version: VERSION,
    metrics: createCoreMetrics(),
  };
}
