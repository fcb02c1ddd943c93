/**
 * Case 4: configuration propagation to 50 connected outpost instances: TRIGGER_UPDATE arrival (the hub
 * alone, outpost-updates.ts) and the new configuration applied by real outposts (config-propagation.ts),
 * on the embedded database and, when PALISADE_BENCH_POSTGRESQL_URL or PALISADE_TEST_POSTGRESQL_URL names a
 * server, on PostgreSQL. BENCH_OUTPOST_INSTANCES (default 50) and BENCH_OUTPOST_ROUNDS (default 30).
 */
import { type BenchCase, fixed, markdownTable } from '../bench-case.ts';
import { type AppliedLatency, measureAppliedConfig } from '../config-propagation.ts';
import { measureOutpostUpdates, type UpdateLatency } from '../outpost-updates.ts';

const TARGET_MS = 100;

export const configPropagation: BenchCase = {
  name: 'config-propagation',
  summary: 'API change to TRIGGER_UPDATE and to applied configuration at 50 connected outpost instances',
  tools: [],
  async run(settings) {
    const instances = Number(process.env.BENCH_OUTPOST_INSTANCES ?? 50);
    const rounds = Number(process.env.BENCH_OUTPOST_ROUNDS ?? 30);
    const postgresUrl = process.env.PALISADE_BENCH_POSTGRESQL_URL ?? process.env.PALISADE_TEST_POSTGRESQL_URL;
    const databases = [undefined, ...(postgresUrl ? [postgresUrl] : [])];
    const triggered: UpdateLatency[] = [];
    const applied: AppliedLatency[] = [];
    for (const url of databases) {
      settings.log(`config propagation: TRIGGER_UPDATE, ${url ? 'PostgreSQL' : 'embedded database'}`);
      triggered.push(
        await measureOutpostUpdates({ instances, rounds, ...(url ? { postgresUrl: url } : {}) }),
      );
      applied.push(await measureAppliedConfig({ instances, rounds, log: settings.log, postgresUrl: url }));
    }
    const row = (until: string, r: UpdateLatency | AppliedLatency) => [
      until,
      r.name,
      r.instances,
      r.rounds,
      fixed(r.p50Ms),
      fixed(r.p99Ms),
      fixed(r.maxMs),
    ];
    const rows = [
      ...triggered.map((r) => row('TRIGGER_UPDATE received', r)),
      ...applied.map((r) => row('new configuration applied', r)),
    ];
    return {
      title: `Configuration propagation to ${instances} connected outpost instances`,
      table: markdownTable(['until', 'database', 'instances', 'changes', 'p50 ms', 'p99 ms', 'max ms'], rows),
      notes: [
        'Timed from sending the PATCH of a provider to each instance: one change at a time, each waiting for every instance; 3 warm-up changes not counted.',
        'TRIGGER_UPDATE: the core in this process, bare websocket clients. Applied: the core as `npm start`, real outposts (startOutpost) in this process with reload offset 0 (the default waits a random 0–9 s).',
        ...(postgresUrl
          ? []
          : ['No PostgreSQL server named (PALISADE_BENCH_POSTGRESQL_URL): embedded database only.']),
      ],
      targets: applied.map((r) => ({
        target: `applied p99 ≤ ${TARGET_MS} ms (${r.name})`,
        measured: `${fixed(r.p99Ms)} ms`,
        met: r.p99Ms <= TARGET_MS,
      })),
      data: { triggered, applied },
    };
  },
};
