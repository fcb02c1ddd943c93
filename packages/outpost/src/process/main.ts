import { randomInt, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger, OutpostInfo, ProxyRuntime, ProxyRuntimeOptions } from '../proxy/types.ts';
import { buildHash, OUTPOST_VERSION, userAgent } from './build-info.ts';
import { createCoreClient } from './core-client.ts';
import { createCoreFetch } from './core-fetch.ts';
import { createCoreTransport } from './core-http.ts';
import { loadOutpostEnv, type ReadFile } from './env.ts';
import { type Listener, listenHttp, listenHttps, listenMetrics } from './listeners.ts';
import { createOutpostMetrics, type OutpostMetrics } from './metrics.ts';
import { createRefresher, MANAGED_EMBEDDED, OutpostStartupError, waitForOutpost } from './refresh.ts';
import { realTimers, type Timers } from './timers.ts';
import { connectCoreSocket } from './websocket.ts';

/** How long in-flight requests may take to finish at shutdown before their connections are cut. */
export const DRAIN_MS = 10_000;
/** How long startup waits for the core to replay the ended sessions over the websocket (see below). */
export const SYNC_WAIT_MS = 10_000;

/** How to run the proxy outpost. */
export interface StartOutpostOptions {
  /** The environment (spec §1.1): AUTHENTIK_HOST, AUTHENTIK_TOKEN, …. */
  env: Readonly<Record<string, string | undefined>>;
  /** Builds the HTTP side (src/proxy/) from what the process provides. */
  createRuntime: (options: ProxyRuntimeOptions) => ProxyRuntime;
  /**
   * Whether to open ports 9000/9443/9300. False runs the outpost inside another server (the core's
   * embedded outpost), which routes requests to `handle.runtime` itself.
   */
  listen: boolean;
  log: Logger;
  /** Applies the outpost config's `log_level` (trace|debug|info|warning|error) to `log`. */
  setLogLevel?: (level: string) => void;
  /** SIGUSR1 refreshes; SIGTERM/SIGINT shut down gracefully, then `exit(0)`. Off by default. */
  handleSignals?: boolean;
  exit?: (code: number) => void;
  // Knobs for tests (defaults as the reference behaves).
  timers?: Timers;
  pageSize?: number;
  /** Wait after TRIGGER_UPDATE; default a random 0–9 s chosen at start. */
  reloadOffsetMs?: number;
  startupRetryMs?: number;
  drainMs?: number;
  /** How long startup waits for the websocket's first ACK (default SYNC_WAIT_MS). */
  syncWaitMs?: number;
  readFile?: ReadFile;
  /** Aborts a startup still waiting for the core. */
  signal?: AbortSignal;
}

/** A running outpost. */
export interface OutpostHandle {
  readonly instanceUuid: string;
  /** The outpost as last fetched. */
  readonly outpost: OutpostInfo;
  readonly runtime: ProxyRuntime;
  readonly metrics: OutpostMetrics;
  readonly websocket: { readonly connected: boolean; readonly attempts: number };
  /** Bound addresses (only with `listen: true`). */
  readonly addresses: {
    http?: Listener['address'];
    https?: Listener['address'];
    metrics?: Listener['address'];
  };
  refresh(reason: string): Promise<boolean>;
  /** Closes the websocket (1000), stops accepting, drains in-flight requests; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the proxy outpost (spec §1.3): finds this token's outpost (waiting for the core), reads the root
 * config, connects the websocket, builds the runtime and gives it its first configuration (which must
 * succeed), then refreshes on TRIGGER_UPDATE, on SIGUSR1 and on the outpost's interval, and serves.
 */
export async function startOutpost(options: StartOutpostOptions): Promise<OutpostHandle> {
  const env = loadOutpostEnv(options.env, options.readFile);
  const { log } = options;
  const timers = options.timers ?? realTimers;
  const build = buildHash(options.env);
  const agent = userAgent(build);
  const transport = createCoreTransport({ insecure: env.insecure });
  if (env.insecure) log.warn({}, 'AUTHENTIK_INSECURE: TLS certificates of the core are not verified');
  const client = createCoreClient({ host: env.host, token: env.token, userAgent: agent, transport });
  const cleanups: Array<() => Promise<void> | void> = [() => transport.close()];
  const cleanUp = async () => {
    for (const step of cleanups.reverse()) await step();
  };

  try {
    const first = await waitForOutpost(client, {
      log,
      timers,
      retryMs: options.startupRetryMs,
      signal: options.signal,
    });
    await client.rootConfig();
    const instanceUuid = randomUUID();
    const embedded = first.managed === MANAGED_EMBEDDED;
    const metrics = createOutpostMetrics();
    metrics.started({ outpostName: first.name, uuid: instanceUuid, version: OUTPOST_VERSION, build });

    let current: OutpostInfo = first;
    const runtime = options.createRuntime({
      version: agent,
      hostBrowser: env.hostBrowser,
      embedded,
      coreFetch: createCoreFetch({
        transport,
        userAgent: agent,
        forcedOrigin: () => env.hostBrowser ?? configuredHost(current),
      }),
      postEvent: (event) =>
        void client
          .postEvent(event)
          .catch((error: unknown) => log.warn({ err: (error as Error).message }, 'could not post an event')),
      metrics,
      log,
      trustedProxyCidrs: env.trustedProxyCidrs,
    });
    const refresher = createRefresher(
      { client, runtime, metrics, log, timers, setLogLevel: options.setLogLevel, pageSize: options.pageSize },
      first,
    );
    const refresh = async (reason: string) => {
      const ok = await refresher.refresh(reason);
      current = refresher.outpost ?? current;
      return ok;
    };
    cleanups.push(() => refresher.stop());

    const socket = connectCoreSocket({
      host: env.host,
      token: env.token,
      insecure: env.insecure,
      userAgent: agent,
      outpostPk: first.pk,
      instanceUuid,
      hello: () => helloArgs(instanceUuid, build),
      onTriggerUpdate: () => void refresh('trigger_update'),
      onSessionEnd: (sid) => runtime.endSession(sid),
      onReconnected: () => void refresh('reconnected'),
      onConnectionChange: (connected) => metrics.connection(connected),
      log,
      reloadOffsetMs: options.reloadOffsetMs ?? randomInt(0, 10) * 1000,
      timers,
    });
    cleanups.push(() => socket.close());

    if (!(await refresh('startup'))) {
      throw new OutpostStartupError('the first configuration fetch failed (see the log line before)');
    }
    refresher.startInterval();
    await waitForSync(socket.synced, { timers, log, ms: options.syncWaitMs ?? SYNC_WAIT_MS });

    const addresses: OutpostHandle['addresses'] = {};
    if (options.listen) {
      const listeners = await Promise.all([
        listenHttp(runtime, env.listen.http, log),
        listenHttps(runtime, env.listen.https, log),
        listenMetrics(metrics.registry, env.listen.metrics, log),
      ]);
      cleanups.push(() =>
        Promise.all(listeners.map((l) => l.close(options.drainMs ?? DRAIN_MS))).then(() => {}),
      );
      [addresses.http, addresses.https, addresses.metrics] = listeners.map((l) => l.address);
    }

    let closing: Promise<void> | undefined;
    const close = () => (closing ??= cleanUp());
    if (options.handleSignals) installSignals({ refresh, close, log, exit: options.exit, cleanups });
    log.info(
      { outpost: first.name, instance: instanceUuid, embedded, applications: runtime.applicationCount },
      'outpost started',
    );
    return {
      instanceUuid,
      get outpost() {
        return current;
      },
      runtime,
      metrics,
      websocket: socket,
      addresses,
      refresh,
      close,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * Waits until the core has answered on the websocket, by which time it has replayed the sessions that ended
 * recently: a restarted replica does not accept a cookie its peers refuse. A core whose websocket does not
 * answer in time is waited for no longer (the sessions are then refused as soon as the replay arrives);
 * that is logged.
 */
async function waitForSync(
  synced: Promise<void>,
  options: { timers: Timers; log: Logger; ms: number },
): Promise<void> {
  let timer: unknown;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = options.timers.setTimeout(() => resolve(true), options.ms);
  });
  const late = await Promise.race([synced.then(() => false), timedOut]);
  options.timers.clearTimeout(timer);
  if (late)
    options.log.warn(
      { waited_ms: options.ms },
      'the core has not answered on the websocket; serving before it replayed the ended sessions',
    );
}

/** The outpost config's `authentik_host`, when it is a URL. */
function configuredHost(outpost: OutpostInfo): URL | undefined {
  const value = outpost.config?.authentik_host;
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * HELLO args (spec §1.5). `golangVersion` is empty (this outpost is not Go; the core shows it as the "Go
 * version"); the Node.js version goes in `nodeVersion`, which the core keeps among the instance's args.
 */
function helloArgs(instanceUuid: string, build: string): Record<string, unknown> {
  return {
    version: OUTPOST_VERSION,
    buildHash: build,
    uuid: instanceUuid,
    golangVersion: '',
    nodeVersion: process.version,
    opensslEnabled: true,
    opensslVersion: process.versions.openssl,
    fipsEnabled: false,
    hostname: hostname(),
  };
}

function installSignals(options: {
  refresh: (reason: string) => Promise<boolean>;
  close: () => Promise<void>;
  log: Logger;
  exit?: (code: number) => void;
  cleanups: Array<() => Promise<void> | void>;
}) {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onUsr1 = () => void options.refresh('sigusr1');
  let stopping = false;
  const onStop = (signal: NodeJS.Signals) => {
    if (stopping) return exit(1);
    stopping = true;
    options.log.info({ signal }, 'shutting down');
    void options.close().then(() => exit(0));
  };
  process.on('SIGUSR1', onUsr1);
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  // Runs first on close (cleanups run in reverse): a closed outpost no longer answers signals.
  options.cleanups.push(() => {
    process.off('SIGUSR1', onUsr1);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
  });
}
