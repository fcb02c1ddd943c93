/** The RADIUS server and PAP handler of the module, over a real core, on 127.0.0.1 (an ephemeral UDP port). */
import { Registry } from 'prom-client';
import type { CoreFetch } from '../../../src/process/core-fetch.ts';
import type { Listener } from '../../../src/process/listeners.ts';
import { AuthCache } from '../../../src/radius/auth-cache.ts';
import { createRadiusMetrics } from '../../../src/radius/metrics.ts';
import { coreEapBackend, type EapKeys } from '../../../src/radius/eap/core-backend.ts';
import { eapHandler } from '../../../src/radius/eap/handler.ts';
import { routeRequests } from '../../../src/radius/handler.ts';
import { papHandler } from '../../../src/radius/pap.ts';
import { createRadiusServer, type RadiusServer } from '../../../src/radius/server.ts';
import { DEFAULT_THROTTLE, Throttle, type ThrottleLimits } from '../../../src/radius/throttle.ts';
import type { RadiusProvider } from '../../../src/radius/types.ts';
import { recordingLog } from '../../support/log.ts';

/** A started server and what a test looks at. */
export interface TestRadius {
  server: RadiusServer;
  /** Live EAP conversations (memory-bound checks). */
  conversations(): number;
  port: number;
  registry: Registry;
  log: ReturnType<typeof recordingLog>;
  /** Executor GETs the outpost made (a flow started). */
  flowsStarted(): number;
  /** A metric's text lines matching `name`. */
  metric(name: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the server for `providers` against the core at `origin` with the outpost `token`. */
export async function startTestRadius(options: {
  origin: string;
  token: string;
  providers: RadiusProvider[];
  throttle?: ThrottleLimits;
  fetch?: CoreFetch;
  /** The clock of EAP conversation expiry. */
  now?: () => number;
  /** EAP keys by certificate uuid. */
  eapKeys?: Map<string, EapKeys>;
}): Promise<TestRadius> {
  const registry = new Registry();
  const log = recordingLog();
  const metrics = createRadiusMetrics(registry, () => 'test-outpost');
  const throttle = new Throttle(options.throttle ?? DEFAULT_THROTTLE);
  let flows = 0;
  const inner: CoreFetch = options.fetch ?? ((url, init) => fetch(url, { ...init, redirect: 'manual' }));
  const counted: CoreFetch = (url, init) => {
    if (url.includes('/flows/executor/') && (init?.method ?? 'GET') === 'GET') flows += 1;
    return inner(url, init);
  };
  const core = { fetch: counted, host: new URL(`${options.origin}/`), token: options.token };
  const eap = eapHandler({
    backend: coreEapBackend({ ...core, throttle, keys: () => options.eapKeys ?? new Map() }),
    metrics,
    log,
    now: options.now,
  });
  const pap = papHandler({
    ...core,
    userAgent: 'goauthentik.io/outpost/test',
    metrics,
    throttle,
    cache: new AuthCache(),
    log,
  });
  const handle = routeRequests({ pap, eap, metrics });
  const server = createRadiusServer({ handle, metrics, throttle, log });
  server.update(options.providers);
  const listener: Listener = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    server,
    conversations: () => eap.conversations.size,
    port: listener.address.port,
    registry,
    log,
    flowsStarted: () => flows,
    metric: async (name) => (await registry.metrics()).split('\n').filter((l) => l.startsWith(name)),
    close: () => listener.close(0),
  };
}
