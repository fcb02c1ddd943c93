/**
 * Time from an API change to every connected outpost instance serving the new configuration: a PATCH of a
 * proxy provider's skip_path_regex on a core run as users run it (`npm start`, embedded database), with
 * `instances` real proxy outposts (startOutpost, the code `palisade outpost` runs) connected to it, timed
 * from sending the request to the moment each instance's runtime has applied a configuration carrying the
 * new value (the core's write and NOTIFY, the websocket fan-out, each instance's fetch of its providers and
 * the rebuild of its applications). The instances share this process's event loop: 50 of them refresh on
 * one core, which is harder than 50 machines each refreshing one. Their reload offset is 0: the default is
 * a random 0–9 s wait after TRIGGER_UPDATE, which spreads the fetches of large fleets on purpose.
 */
import { startForwardAuthStack } from '../../e2e/src/forward-auth-stack.ts';
import { type OutpostHandle, startOutpost } from '../../outpost/src/process/main.ts';
import { createOutpostProxyRuntime } from '../../outpost/src/proxy/create.ts';
import type { Logger, ProxyRuntime } from '../../outpost/src/proxy/types.ts';
import { createServerTestDatabaseUrl } from '../../core/test/support/databases.ts';
import { summarize } from './stats.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What a run measured, in milliseconds over every (instance, round). */
export interface AppliedLatency {
  name: string;
  instances: number;
  rounds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Runs `rounds` changes, one after another, each waiting until every instance has applied it. */
export async function measureAppliedConfig(options: {
  instances: number;
  rounds: number;
  log: (line: string) => void;
  /** A PostgreSQL server to run the core on (a new database there); the embedded database when absent. */
  postgresUrl?: string;
}): Promise<AppliedLatency> {
  const database = options.postgresUrl ? await createServerTestDatabaseUrl(options.postgresUrl) : undefined;
  const stack = await startForwardAuthStack({
    apps: [{ slug: 'propagation', externalHost: 'http://propagation.bench.test', mode: 'forward_single' }],
    users: [],
    coreEnv: database ? { PALISADE_DATABASE_URL: database.url } : {},
  });
  const handles: OutpostHandle[] = [];
  try {
    const { results } = await stack.api<{ results: Array<{ pk: number }> }>('GET', '/providers/proxy/');
    const provider = results[0]?.pk;
    if (provider === undefined) throw new Error('no proxy provider');
    /** The skip_path_regex each instance last applied. */
    const applied: string[] = [];
    const waiters: Array<() => void> = [];
    const notify = () => {
      for (const wake of waiters.splice(0)) wake();
    };
    const recording =
      (index: number) => (runtimeOptions: Parameters<typeof createOutpostProxyRuntime>[0]) => {
        const inner = createOutpostProxyRuntime(runtimeOptions);
        const wrapped: ProxyRuntime = Object.create(inner);
        wrapped.update = (info, providers, certificates) => {
          inner.update(info, providers, certificates);
          applied[index] = providers[0]?.skip_path_regex ?? '';
          notify();
        };
        return wrapped;
      };
    options.log(`config propagation: starting ${options.instances} outpost instances`);
    for (let i = 0; i < options.instances; i += 10) {
      const batch = Array.from({ length: Math.min(10, options.instances - i) }, (_, j) =>
        startOutpost({
          env: { AUTHENTIK_HOST: stack.core.url, AUTHENTIK_TOKEN: stack.outpostToken },
          createRuntime: recording(i + j),
          listen: false,
          log: silent,
          reloadOffsetMs: 0,
        }),
      );
      handles.push(...(await Promise.all(batch)));
    }
    await until(() => handles.every((h) => h.websocket.connected), waiters, 30_000);
    const latencies: number[] = [];
    const warmup = 3;
    options.log(`config propagation: ${warmup + options.rounds} changes`);
    for (let round = 1; round <= warmup + options.rounds; round++) {
      const marker = `^/propagation-${round}$`;
      const done = new Array<number>(options.instances).fill(0);
      const started = performance.now();
      const check = () => {
        const now = performance.now();
        for (let i = 0; i < options.instances; i++) if (done[i] === 0 && applied[i] === marker) done[i] = now;
        return done.every((at) => at > 0);
      };
      const all = until(check, waiters, 30_000);
      await stack.api('PATCH', `/providers/proxy/${provider}/`, { skip_path_regex: marker });
      await all;
      if (round > warmup) for (const at of done) latencies.push(at - started);
    }
    const s = summarize(latencies);
    return {
      name: database ? 'PostgreSQL server' : 'embedded (PGlite)',
      instances: options.instances,
      rounds: options.rounds,
      p50Ms: s.p50,
      p99Ms: s.p99,
      maxMs: s.max,
    };
  } finally {
    await Promise.all(handles.map((h) => h.close()));
    await stack.close();
    await database?.drop();
  }
}

/** Resolves once `condition` holds, re-checked whenever a waiter is woken; rejects after `timeoutMs`. */
function until(condition: () => boolean, waiters: Array<() => void>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not applied everywhere within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const poll = setInterval(() => wake(), 100);
    const wake = () => {
      if (condition()) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      } else waiters.push(wake);
    };
    wake();
  });
}
