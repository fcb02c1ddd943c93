/**
 * The outpost program's footprint: start-to-serving time and idle memory with 1 and with 100 providers.
 *
 * Each outpost is started as a user starts it (a child process configured by environment only). Start to
 * serving is from the spawn to the first forward-auth answer that knows the application (401, not "no app
 * for hostname"); idle memory is read 2 s later, after a full garbage collection asked through the
 * outpost's inspector port. BENCH_OUTPOST_COMMAND=alias measures `palisade outpost` (the core's command)
 * instead of the outpost package's own `palisade-outpost`; BENCH_OUTPOST_NODE_OPTIONS adds Node options
 * (e.g. `--max-semi-space-size=1`) to try what they save.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startForwardAuthStack } from '../../../e2e/src/forward-auth-stack.ts';
import {
  OUTPOST_ALIAS_COMMAND,
  OUTPOST_COMMAND,
  type OutpostProcess,
  startOutpostProcess,
} from '../../../e2e/src/outpost-process.ts';
import { freePort } from '../../../e2e/src/server-process.ts';
import { type BenchCase, type CaseReport, fixed, markdownTable } from '../bench-case.ts';
import { BENCH_USER } from '../palisade-stack.ts';
import { outpostMemory } from '../process-memory.ts';
import { addOutpost, appHost, provisionApps } from '../provisioning.ts';

/** Provider counts measured. */
const SIZES = [1, 100] as const;
/** Starts per size: the start time is the median of these. */
const STARTS = 3;

async function run(settings: { log: (line: string) => void }): Promise<CaseReport> {
  const alias = process.env.BENCH_OUTPOST_COMMAND === 'alias';
  const command = alias ? OUTPOST_ALIAS_COMMAND : OUTPOST_COMMAND;
  const stack = await startForwardAuthStack({
    apps: [{ slug: 'app-0', externalHost: `http://${appHost(0)}`, mode: 'forward_single' }],
    users: [BENCH_USER],
  });
  const rows: string[][] = [];
  const data: Array<Record<string, unknown>> = [];
  try {
    const { results } = await stack.api<{ results: Array<{ pk: number }> }>('GET', '/providers/proxy/');
    const pks = [results[0]?.pk ?? 0];
    for (const size of SIZES) {
      settings.log(`outpost footprint: ${size} providers`);
      pks.push(...(await provisionApps(stack, pks.length, size)));
      const token = await addOutpost(stack, `bench footprint ${size}`, pks.slice(0, size));
      const starts: number[] = [];
      const memory: Array<{ rssMiB: number; heapUsedMiB: number }> = [];
      // A fresh compile cache: the first start is cold (as a first run outside the image), the next ones
      // find it filled (as the image, which fills it at build).
      const cache = await mkdtemp(join(tmpdir(), 'outpost-compile-cache-'));
      for (let i = 0; i < STARTS; i++) {
        const inspectPort = await freePort();
        const t0 = performance.now();
        let outpost: OutpostProcess | undefined;
        try {
          outpost = await startOutpostProcess({
            coreUrl: stack.core.url,
            token,
            readyHost: appHost(size - 1),
            command,
            timeoutMs: 60_000,
            env: {
              NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort} ${process.env.BENCH_OUTPOST_NODE_OPTIONS ?? ''}`,
              NODE_COMPILE_CACHE: cache,
            },
          });
          starts.push(performance.now() - t0);
          if (i === 0 || i === STARTS - 1) {
            await new Promise((resolve) => setTimeout(resolve, 2000));
            memory.push(await outpostMemory(outpost, inspectPort));
          }
        } finally {
          await outpost?.stop();
        }
      }
      await rm(cache, { recursive: true, force: true });
      const [cold, warm] = memory;
      const warmStarts = starts.slice(1).sort((a, b) => a - b);
      rows.push([
        String(size),
        fixed(starts[0] ?? Number.NaN, 0),
        fixed(warmStarts[0] ?? Number.NaN, 0),
        fixed(cold?.rssMiB ?? Number.NaN, 1),
        fixed(warm?.rssMiB ?? Number.NaN, 1),
        fixed(warm?.heapUsedMiB ?? Number.NaN, 1),
      ]);
      data.push({ providers: size, startMs: starts, cold, warm });
    }
  } finally {
    await stack.close();
  }
  const rss100 = Number((data.find((d) => d.providers === 100)?.warm as { rssMiB?: number })?.rssMiB);
  return {
    title: `Outpost footprint (${alias ? '`palisade outpost`, the core alias' : '`palisade-outpost`'})`,
    table: markdownTable(
      [
        'providers',
        'start to serving ms, cold',
        'start to serving ms, compile cache filled (best of 2)',
        'idle RSS MiB, cold',
        'idle RSS MiB, compile cache filled',
        'heap used MiB',
      ],
      rows,
    ),
    notes: [
      'Start to serving: spawn to the first forward-auth answer for the last provisioned application.',
      'Cold: a fresh NODE_COMPILE_CACHE (Node strips and compiles every TypeScript file); filled: the next starts, as the image runs (its build fills the cache).',
      'Idle memory: 2 s after serving, after a full garbage collection (inspector port on loopback).',
    ],
    targets: [
      {
        target: 'idle RSS with 100 providers ≤ 60 MiB',
        measured: `${fixed(rss100, 1)} MiB`,
        met: rss100 <= 60,
      },
    ],
    data,
  };
}

/** The outpost-footprint case. */
export const outpostFootprint: BenchCase = {
  name: 'outpost-footprint',
  summary: 'outpost start-to-serving time and idle RSS with 1 and 100 providers',
  tools: [],
  run,
};
