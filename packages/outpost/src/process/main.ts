import { randomInt, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { OutpostSelf } from '@palisade/schema/outpost-reads';
import type { ProxyRuntime, ProxyRuntimeOptions } from '../proxy/types.ts';
import { buildHash, OUTPOST_VERSION, userAgent } from './build-info.ts';
import { createCoreClient } from './core-client.ts';
import { createCoreFetch } from './core-fetch.ts';
import { createCoreTransport } from './core-http.ts';
import { loadOutpostEnv, type ReadFile } from './env.ts';
import { createKeypairCache } from './keypairs.ts';
import { type Listener, listenMetrics } from './listeners.ts';
import type { Logger } from './logger.ts';
import { createOutpostMetrics, type OutpostMetrics } from './metrics.ts';
import { loadModuleFactory, UnknownOutpostTypeError } from './modules.ts';
import type { OutpostModule, OutpostModuleFactory, SharedPortHttp } from './outpost-module.ts';
import { createRefresher, MANAGED_EMBEDDED, OutpostStartupError, waitForOutpost } from './refresh.ts';
import { realTimers, type Timers } from './timers.ts';
import { connectCoreSocket, type CoreSocket } from './websocket.ts';

/** How long in-flight requests may take to finish at shutdown before their connections are cut. */
export const DRAIN_MS = 10_000;
/** How long startup waits for the core to replay the ended sessions over the websocket (see below). */
export const SYNC_WAIT_MS = 10_000;

/** How to run an outpost. */
export interface StartOutpostOptions {
  /** The environment (spec §1.1): AUTHENTIK_HOST, AUTHENTIK_TOKEN, …. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The module to run. Default: the one of the outpost's `type` (src/<type>/module.ts); an outpost whose
   * type has no module fails startup with an UnknownOutpostTypeError naming it.
   */
  module?: OutpostModuleFactory;
  /** For the proxy type: builds its HTTP side (tests hand in a recording double). */
  createRuntime?: (options: ProxyRuntimeOptions) => ProxyRuntime;
  /** For the proxy type: page size of /outposts/proxy/ (tests make it small to cover pagination). */
  pageSize?: number;
  /**
   * Whether to open the type's ports and 9300. False runs the outpost inside another server (the core's
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
  /** The outpost as last applied. */
  readonly outpost: OutpostSelf;
  /** The running module of the outpost's type. */
  readonly module: OutpostModule;
  /** The module's HTTP side on a shared port (the proxy runtime), for the core's embedded outpost. */
  readonly runtime: SharedPortHttp | undefined;
  readonly metrics: OutpostMetrics;
  readonly websocket: { readonly connected: boolean; readonly attempts: number };
  /** Bound addresses by listener name (`http`, `https`, `metrics`…; only with `listen: true`). */
  readonly addresses: Partial<Record<string, AddressInfo>>;
  refresh(reason: string): Promise<boolean>;
  /** Closes the websocket (1000), stops accepting, drains in-flight requests; idempotent. */
  close(): Promise<void>;
}

/** The module for the outpost's type: the one given, the proxy with test knobs, or src/<type>/module.ts. */
async function moduleFor(type: string, options: StartOutpostOptions): Promise<OutpostModuleFactory> {
  let factory = options.module;
  if (!factory && (options.createRuntime || options.pageSize) && type === 'proxy') {
    const { proxyModule } = await import('../proxy/module.ts');
    factory = proxyModule({ createRuntime: options.createRuntime, pageSize: options.pageSize });
  }
  factory ??= await loadModuleFactory(type);
  if (factory.type !== type) {
    throw new UnknownOutpostTypeError(
      `this outpost is of type ${JSON.stringify(type)}, but the module given runs ${factory.type}`,
    );
  }
  return factory;
}

/**
 * Starts an outpost (spec §1.3): finds this token's outpost (waiting for the core), reads the root config,
 * picks the module of the outpost's type, connects the websocket, gives the module its first configuration
 * (which must succeed), then refreshes on TRIGGER_UPDATE, on SIGUSR1 and on the outpost's interval, and
 * serves the module's ports and /metrics.
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
    const factory = await moduleFor(first.type, options);
    const instanceUuid = randomUUID();
    const embedded = first.managed === MANAGED_EMBEDDED;
    const metrics = createOutpostMetrics();
    metrics.started({
      outpostName: first.name,
      type: first.type,
      uuid: instanceUuid,
      version: OUTPOST_VERSION,
      build,
    });

    let current: OutpostSelf = first;
    // The socket is connected after the module exists (its first configuration comes first).
    const late: { socket?: CoreSocket } = {};
    const module = factory.create({
      env,
      client,
      coreFetch: createCoreFetch({
        transport,
        userAgent: agent,
        forcedOrigin: () => env.hostBrowser ?? configuredHost(current),
      }),
      keypairs: createKeypairCache(client, log),
      postEvent: (event) =>
        void client
          .postEvent(event)
          .catch((error: unknown) => log.warn({ err: (error as Error).message }, 'could not post an event')),
      registry: metrics.registry,
      outpostName: () => metrics.outpostName,
      log,
      version: agent,
      embedded,
      sayHello: () => late.socket?.hello(),
    });
    cleanups.push(() => module.stop());
    const refresher = createRefresher(
      { client, module, metrics, log, timers, setLogLevel: options.setLogLevel },
      first,
    );
    const refresh = async (reason: string) => {
      const ok = await refresher.refresh(reason);
      current = refresher.outpost;
      return ok;
    };
    cleanups.push(() => refresher.stop());

    const coreSocket = connectCoreSocket({
      host: env.host,
      token: env.token,
      insecure: env.insecure,
      userAgent: agent,
      outpostPk: first.pk,
      instanceUuid,
      hello: () => ({ ...module.helloArgs?.(), ...helloArgs(instanceUuid, build) }),
      onTriggerUpdate: () => void refresh('trigger_update'),
      onSessionEnd: (sid) => module.endSession(sid),
      onProviderSpecific: (args) => module.providerSpecific(args),
      onReconnected: () => void refresh('reconnected'),
      onConnectionChange: (connected) => metrics.connection(connected),
      log,
      reloadOffsetMs: options.reloadOffsetMs ?? randomInt(0, 10) * 1000,
      timers,
    });
    late.socket = coreSocket;
    cleanups.push(() => coreSocket.close());

    if (!(await refresh('startup'))) {
      throw new OutpostStartupError('the first configuration fetch failed (see the log line before)');
    }
    refresher.startInterval();
    await waitForSync(coreSocket.synced, { timers, log, ms: options.syncWaitMs ?? SYNC_WAIT_MS });

    const addresses: OutpostHandle['addresses'] = {};
    if (options.listen) {
      const listeners: Listener[] = [];
      cleanups.push(() =>
        Promise.all(listeners.map((l) => l.close(options.drainMs ?? DRAIN_MS))).then(() => {}),
      );
      const opened = await Promise.allSettled([
        module.start(),
        listenMetrics(metrics.registry, env.listen.metrics, log).then((l) => [l]),
      ]);
      for (const result of opened) if (result.status === 'fulfilled') listeners.push(...result.value);
      for (const result of opened) if (result.status === 'rejected') throw result.reason;
      for (const listener of listeners) addresses[listener.name] = listener.address;
    }

    let closing: Promise<void> | undefined;
    const close = () => (closing ??= cleanUp());
    if (options.handleSignals) installSignals({ refresh, close, log, exit: options.exit, cleanups });
    log.info(
      { outpost: first.name, type: first.type, instance: instanceUuid, embedded, ...describe(module) },
      'outpost started',
    );
    return {
      instanceUuid,
      get outpost() {
        return current;
      },
      module,
      runtime: module.http,
      metrics,
      websocket: coreSocket,
      addresses,
      refresh,
      close,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** What the start line says of the module. */
function describe(module: OutpostModule): Record<string, unknown> {
  return module.http ? { applications: module.http.applicationCount } : {};
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
function configuredHost(outpost: OutpostSelf): URL | undefined {
  const value = outpost.config.authentik_host;
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
