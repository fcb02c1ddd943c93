import type { OutpostSelf } from '@palisade/schema/outpost-reads';
import type { CoreClient } from './core-client.ts';
import type { Logger } from './logger.ts';
import type { OutpostMetrics } from './metrics.ts';
import type { OutpostModule } from './outpost-module.ts';
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
export function refreshIntervalMs(outpost: Pick<OutpostSelf, 'refresh_interval_s'> | undefined): number {
  const seconds = outpost?.refresh_interval_s;
  if (typeof seconds !== 'number' || !(seconds > 0)) return 300_000;
  return Math.max(seconds, 30) * 1000;
}

/**
 * Startup step 3 (spec §1.3): this token's outpost, asking every `retryMs` until the core answers (an
 * answer that does not fit counts as no answer, logged with its field). The first result is this outpost
 * (its token sees only its own); none at all is fatal.
 */
export async function waitForOutpost(
  client: CoreClient,
  options: { log: Logger; timers: Timers; retryMs?: number; signal?: AbortSignal },
): Promise<OutpostSelf> {
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
  module: OutpostModule;
  metrics: OutpostMetrics;
  log: Logger;
  timers: Timers;
  /** `log_level` of the outpost's config, applied with each configuration. */
  setLogLevel?: (level: string) => void;
}

/** Fetches the configuration and hands it to the module, one refresh at a time. */
export interface Refresher {
  /** The outpost as last applied. */
  readonly outpost: OutpostSelf;
  /**
   * Refreshes (spec §1.4); true when the module got a new configuration. A failure (the core away, an
   * answer that does not fit) is logged once with its reason and nothing of it is applied: the last
   * configuration keeps serving. A call during a refresh runs one more refresh after it.
   */
  refresh(reason: string): Promise<boolean>;
  /** Refreshes every `refreshIntervalMs(outpost)` from now on. */
  startInterval(): void;
  stop(): void;
}

/** Builds the refresher. */
export function createRefresher(options: RefresherOptions, initial: OutpostSelf): Refresher {
  const { client, module, log } = options;
  let outpost = initial;
  let running: Promise<boolean> | undefined;
  let again: Promise<boolean> | undefined;
  let intervalTimer: unknown;
  let stopped = false;

  async function once(reason: string): Promise<boolean> {
    try {
      const [fresh] = await client.outposts();
      if (!fresh) {
        log.warn({ reason }, 'no outpost found for this token any more; keeping the last configuration');
        return false;
      }
      if (fresh.type !== initial.type) {
        log.error(
          { reason, type: fresh.type, running: initial.type },
          "the outpost's type changed; keeping the last configuration (restart the outpost to change type)",
        );
        return false;
      }
      // Everything is fetched and checked before anything is applied: never a half-applied configuration.
      const config = await module.load(fresh);
      if (stopped) return false;
      if (typeof fresh.config.log_level === 'string') options.setLogLevel?.(fresh.config.log_level);
      module.apply(fresh, config);
      outpost = fresh;
      options.metrics.updated(fresh.name);
      log.info({ reason, ...module.describe(config) }, 'configuration refreshed');
      return true;
    } catch (error) {
      log.error(
        { reason, err: (error as Error).message, ...fieldOf(error) },
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

/** The failing field of a rejected answer, as a log field. */
function fieldOf(error: unknown): { field?: string } {
  const field = (error as { field?: unknown }).field;
  return typeof field === 'string' && field !== '' ? { field } : {};
}
