/** The machine a run measured, as docs/benchmarks.md describes it. */
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';

/** Cores, CPU model, memory, kernel, Node.js and the load when the run started. */
export async function describeMachine() {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const machine = {
    cores: cpus().length,
    cpuModel: model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
  return {
    ...machine,
    summary: `${machine.cores} × ${model}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node.js ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`,
  };
}
