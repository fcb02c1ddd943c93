/**
 * `npm run bench` runs every case in cases/ and `npm run bench -- <name> …` the ones named (`--list` lists
 * them). Each case prints a table; all of them go to bench/results/<time>.json with the machine described.
 * Settings: BENCH_SECONDS (load per run, default 4), BENCH_ROUNDS (interleaved rounds of a side-by-side
 * comparison, default 2), BENCH_CONNECTIONS (wrk connections, default 32). Needs nginx, Caddy and wrk
 * (installed with apt-get when missing and running as root).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../../e2e/src/server-process.ts';
import type { BenchSettings, CaseReport } from './bench-case.ts';
import { CASES } from './cases/index.ts';
import { describeMachine } from './machine.ts';
import { ensureTools } from './tools.ts';

const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const c of CASES) process.stdout.write(`${c.name.padEnd(20)} ${c.summary}\n`);
  process.exit(0);
}
const unknown = args.filter((name) => !CASES.some((c) => c.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown case ${unknown.join(', ')}; the cases are: ${CASES.map((c) => c.name).join(', ')}\n`,
  );
  process.exit(2);
}
const selected = args.length === 0 ? CASES : CASES.filter((c) => args.includes(c.name));
const settings: BenchSettings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 4),
  rounds: Number(process.env.BENCH_ROUNDS ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  log: (line) => process.stderr.write(`[bench] ${line}\n`),
};
await ensureTools(
  selected.flatMap((c) => c.tools),
  settings.log,
);

const startedAt = new Date();
const machine = await describeMachine();
process.stdout.write(`${machine.summary}\n`);
const reports: Record<string, CaseReport & { seconds: number }> = {};
let failed = false;
for (const benchCase of selected) {
  settings.log(`${benchCase.name}: ${benchCase.summary}`);
  const t0 = performance.now();
  try {
    const report = await benchCase.run(settings);
    reports[benchCase.name] = { ...report, seconds: (performance.now() - t0) / 1000 };
    process.stdout.write(`\n## ${report.title}\n\n${report.table}\n\n`);
    for (const note of report.notes) process.stdout.write(`- ${note}\n`);
    for (const t of report.targets)
      process.stdout.write(`- target ${t.met ? 'met' : 'MISSED'}: ${t.target}: ${t.measured}\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`\n${benchCase.name} failed: ${(error as Error).stack ?? String(error)}\n`);
  }
}
const dir = join(REPO_ROOT, 'bench', 'results');
await mkdir(dir, { recursive: true });
const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(
  file,
  `${JSON.stringify({ startedAt: startedAt.toISOString(), machine, settings: { ...settings, log: undefined }, cases: reports }, null, 2)}\n`,
);
process.stdout.write(`\nresults: ${file}\n`);
if (failed) process.exitCode = 1;
