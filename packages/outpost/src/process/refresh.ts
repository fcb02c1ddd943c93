import type { Logger, OutpostInfo, ProxyProviderConfig, ProxyRuntime, TlsKeypair } from '../proxy/types.ts';
import type { CoreClient } from './core-client.ts';
import type { OutpostMetrics } from './metrics.ts';
import type { Timers } from './timers.ts';

/** The embedded outpost's `managed` value: it serves on the core's own port, with the core's URL. */
export const MANAGED_EMBEDDED = 'goauthentik.io/outposts/embedded';

/** Startup cannot go on (no outpost for this token); the message says what to fix. */
export class OutpostStartupError extends Error {
  override name = 'OutpostStartupError';
}

/** How often the first `GET /outposts/instances/` is retried while the core is away (spec §1.3). */
export const STARTUP_RETRY_MS = 3000;

/**
 * The refresh interval (spec §1.4): the outpost's `refresh_interval_s`, at least 30 s so a typo cannot make
 * every replica hammer the core; 0 or less (or missing) means the default 5 min.
 */
export function refreshIntervalMs(outpost: Pick<OutpostInfo, 'refresh_interval_s'> | undefined): number {
  const seconds = outpost?.refresh_interval_s;
  if (typeof seconds !== 'number' || !(seconds > 0)) return 300_000;
  return Math.max(seconds, 30) * 1000;
}

/**
 * Startup step 3 (spec §1.3): this token's outpost, asking every `retryMs` until the core answers. The first
 * result is this outpost (its token sees only its own); none at all is fatal.
 */
export async function waitForOutpost(
  client: CoreClient,
  options: { log: Logger; timers: Timers; retryMs?: number; signal?: AbortSignal },
): Promise<OutpostInfo> {
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const [outpost] = await client.outposts();
      if (!outpost) {
        throw new OutpostStartupError(
          'No outposts found with given token, ensure the given token corresponds to an authentik Outpost',
        );
      }
      return outpost;
    } catch (error) {
      if (error instanceof OutpostStartupError) throw error;
      options.log.warn(
        { err: (error as Error).message },
        'Failed to fetch outpost configuration, retrying in 3 seconds',
      );
    }
    await new Promise<void>((resolve, reject) => {
      const timer = options.timers.setTimeout(resolve, options.retryMs ?? STARTUP_RETRY_MS);
      options.signal?.addEventListener(
        'abort',
        () => {
          options.timers.clearTimeout(timer);
          reject(options.signal?.reason);
        },
        { once: true },
      );
    });
  }
}

/** What the refresher needs. */
export interface RefresherOptions {
  client: CoreClient;
  runtime: ProxyRuntime;
  metrics: OutpostMetrics;
  log: Logger;
  timers: Timers;
  /** `log_level` of the outpost's config, applied at each refresh. */
  setLogLevel?: (level: string) => void;
  /** Page size of /outposts/proxy/ (tests make it small to cover pagination). */
  pageSize?: number;
}

/** Fetches the configuration and hands it to the runtime, one refresh at a time. */
export interface Refresher {
  /** The outpost as last fetched. */
  readonly outpost: OutpostInfo | undefined;
  /**
   * Refreshes (spec §1.4); true when the runtime got a new configuration. A failure is logged and the last
   * configuration keeps serving. A call during a refresh runs one more refresh after it.
   */
  refresh(reason: string): Promise<boolean>;
  /** Refreshes every `refreshIntervalMs(outpost)` from now on. */
  startInterval(): void;
  stop(): void;
}

interface CachedKeypair {
  fingerprint: string;
  keypair: TlsKeypair;
}

/** Builds the refresher. */
export function createRefresher(options: RefresherOptions, initial: OutpostInfo): Refresher {
  const { client, runtime, log } = options;
  let outpost: OutpostInfo = initial;
  let running: Promise<boolean> | undefined;
  let again: Promise<boolean> | undefined;
  let intervalTimer: unknown;
  let stopped = false;
  const keypairs = new Map<string, CachedKeypair>();

  /** The keypairs the providers use, fetched again only when a fingerprint changed (spec §1.4). */
  async function certificatesFor(
    providers: readonly ProxyProviderConfig[],
  ): Promise<Map<string, TlsKeypair>> {
    const wanted = new Set(providers.flatMap((p) => p.certificate ?? []));
    const result = new Map<string, TlsKeypair>();
    for (const uuid of wanted) {
      const cached = keypairs.get(uuid);
      try {
        const fingerprint = (await client.keypair(uuid)).fingerprint_sha256 ?? '';
        if (!cached || cached.fingerprint !== fingerprint || fingerprint === '') {
          const [certificatePem, privateKeyPem] = await Promise.all([
            client.keypairPem(uuid, 'certificate'),
            client.keypairPem(uuid, 'private_key'),
          ]);
          keypairs.set(uuid, { fingerprint, keypair: { certificatePem, privateKeyPem } });
        }
      } catch (error) {
        // The provider serves with the previous copy, or the self-signed fallback without one.
        log.warn({ err: (error as Error).message, keypair: uuid }, 'could not fetch a certificate');
      }
      const keypair = keypairs.get(uuid)?.keypair;
      if (keypair) result.set(uuid, keypair);
    }
    for (const uuid of keypairs.keys()) if (!wanted.has(uuid)) keypairs.delete(uuid);
    return result;
  }

  async function once(reason: string): Promise<boolean> {
    try {
      const [fresh] = await client.outposts();
      if (!fresh) {
        log.warn({ reason }, 'no outpost found for this token any more; keeping the last configuration');
        return false;
      }
      if (typeof fresh.config?.log_level === 'string') options.setLogLevel?.(fresh.config.log_level);
      // Any failing page aborts: a partial list would stop serving the providers left out.
      const providers = await client.proxyProviders(options.pageSize);
      const certificates = await certificatesFor(providers);
      if (stopped) return false;
      runtime.update(fresh, providers, certificates);
      outpost = fresh;
      options.metrics.updated(fresh.name, providers);
      if (providers.length === 0 && fresh.managed !== MANAGED_EMBEDDED) {
        log.warn({ outpost: fresh.name }, 'this outpost serves no providers; add some to it in the core');
      }
      log.info({ reason, providers: providers.length }, 'configuration refreshed');
      return true;
    } catch (error) {
      log.error(
        { reason, err: (error as Error).message },
        'configuration refresh failed; the last configuration keeps serving',
      );
      return false;
    }
  }

  function refresh(reason: string): Promise<boolean> {
    if (!running) {
      running = once(reason).finally(() => {
        running = undefined;
      });
      return running;
    }
    // Something changed during this refresh: fetch once more after it, however many asked meanwhile.
    again ??= running.then(() => {
      again = undefined;
      return refresh(reason);
    });
    return again;
  }

  function scheduleNext() {
    if (stopped) return;
    intervalTimer = options.timers.setTimeout(() => {
      void refresh('interval').then(scheduleNext);
    }, refreshIntervalMs(outpost));
  }

  return {
    get outpost() {
      return outpost;
    },
    refresh,
    startInterval: scheduleNext,
    stop() {
      stopped = true;
      options.timers.clearTimeout(intervalTimer);
    },
  };
}
