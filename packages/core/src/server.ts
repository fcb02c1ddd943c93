import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { collectDefaultMetrics } from 'prom-client';
import { ensureInitialObjects, isInitialSetupOpen } from './bootstrap.ts';
import type { PalisadeConfig } from './config/schema.ts';
import { ensureSecretKey } from './config/secret-key.ts';
import { type AppContext, createAppContext } from './context.ts';
import { openConfiguredDatabase } from './db/open.ts';
import { migrate, readMigrations } from './db/migrate.ts';
import { buildHttpApp } from './http/app.ts';
import { createLogger } from './logging.ts';
import { type RunningIntegration, startIntegrations } from './integrations/runtime.ts';
import { renderMetrics } from './metrics/exposition.ts';
import { listenMetrics, type MetricsListener } from './metrics/metrics-listener.ts';

/** A started core: its HTTP app, context and address. Close it to stop listening and release the database. */
export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  /** The metrics port as bound (undefined when `listen.metrics` is empty or could not be opened). */
  metricsPort: number | undefined;
  close(): Promise<void>;
}

/**
 * Starts the core: opens the database (embedded unless a server is configured), migrates it, creates the
 * first-start objects, listens, and prints where to go next.
 */
export async function startServer(
  config: Readonly<PalisadeConfig>,
  options: { logger?: FastifyBaseLogger; shutdownGraceMs?: number } = {},
): Promise<RunningServer> {
  const log = options.logger ?? createLogger(config.log_level);
  const secretKey = await ensureSecretKey(config, config.data_dir);
  const db = await openConfiguredDatabase(config);
  let integrations: RunningIntegration | undefined;
  let metrics: MetricsListener | undefined;
  try {
    const migrations = await readMigrations();
    const result = await migrate(db, migrations, (m) =>
      log.info({ migration: `${m.version}_${m.name}` }, 'applied migration'),
    );
    log.info({ database: db.kind, schema_version: result.current }, 'database ready');
    const ctx = await createAppContext({ config, db, secretKey, migrations });
    const app = await buildHttpApp(ctx, { logger: log });
    await ensureInitialObjects(ctx, app.log);
    integrations = await startIntegrations(ctx, app.log);
    const [host, port] = splitListen(config.listen.http);
    await app.listen({ host, port });
    const address = app.server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    const url =
      config.external_url?.replace(/\/$/, '') ??
      `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${boundPort}`;
    if (!config.external_url)
      app.log.warn(
        { setting: 'external_url' },
        'external_url is not set: OAuth2 issuers and the URLs the core hands out follow each request Host header; set it in production (docs/oauth2.md, "Issuer and Host")',
      );
    if (await isInitialSetupOpen(ctx)) {
      app.log.info({ url: `${url}/if/flow/initial-setup/` }, 'initial setup is open');
      process.stdout.write(
        `\nPalisade is running. Set the administrator password at:\n  ${url}/if/flow/initial-setup/\n\n`,
      );
    } else {
      process.stdout.write(`\nPalisade is running at ${url}/\n\n`);
    }
    // Before the embedded outpost starts (it waits for its first configuration): its registry joins in once it runs.
    if (config.listen.metrics) {
      collectDefaultMetrics({ register: ctx.metrics.registry });
      const [metricsHost, metricsPort] = splitListen(config.listen.metrics);
      const registries = () => {
        const outpost = app.embeddedOutpost.metricsRegistry;
        return outpost ? [outpost] : [];
      };
      metrics = await listenMetrics(
        metricsHost,
        metricsPort,
        () => renderMetrics(ctx.metrics.registry, registries()),
        app.log,
      );
    }
    // Once the core serves: the embedded outpost reaches it over loopback, whatever address browsers use.
    const loopback = ['0.0.0.0', '::', 'localhost', ''].includes(host) ? '127.0.0.1' : host;
    const selfUrl = `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${boundPort}`;
    await app.embeddedOutpost.start(selfUrl, secretKey);
    return {
      app,
      ctx,
      url,
      metricsPort: metrics?.port,
      async close() {
        await metrics?.close();
        await integrations?.stop();
        await closeWithin(app, options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
        await db.close();
      },
    };
  } catch (error) {
    await metrics?.close();
    await integrations?.stop();
    await db.close();
    throw error;
  }
}

/** How long in-flight requests get to finish at shutdown before their connections are cut. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Closes the app, letting in-flight requests finish for `graceMs`; then every connection still open is cut.
 * Without the deadline one stuck connection (a client that never sends the rest of its body, a keep-alive
 * request that arrived as the server began closing) keeps the process alive after SIGTERM until a second
 * signal, which is what a supervisor or a test harness waiting for the exit does not send.
 */
async function closeWithin(app: FastifyInstance, graceMs: number): Promise<void> {
  const deadline = setTimeout(() => {
    app.log.warn(
      { grace_ms: graceMs },
      'requests still open at the end of the shutdown grace period: cutting them',
    );
    app.server.closeAllConnections();
  }, graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
}

/** Splits `host:port` (or `[v6]:port`) as the configuration validated it. */
export function splitListen(listen: string): [string, number] {
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return [host, Number(listen.slice(at + 1))];
}
