/** Memory of a running outpost: RSS from /proc, V8 heap use from its own /metrics (prom-client defaults). */
import { readFile } from 'node:fs/promises';

/** Resident set size of process `pid`, in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** `nodejs_heap_size_used_bytes` on the outpost's metrics port, in MiB. */
export async function heapUsedMiB(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const bytes = Number(
    /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)$/m.exec(text)?.[1] ?? Number.NaN,
  );
  return bytes / 2 ** 20;
}

/**
 * Asks the V8 of a process started with `--inspect=127.0.0.1:<port>` for a full garbage collection
 * (DevTools protocol HeapProfiler.collectGarbage), so heap use counts what is kept, not what is waiting
 * to be collected.
 */
export async function collectGarbage(inspectPort: number): Promise<void> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  if (!target) throw new Error('no inspector target');
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    socket.onmessage = (event) => {
      if ((JSON.parse(String(event.data)) as { id?: number }).id === 1) resolve();
    };
    socket.onerror = () => reject(new Error('inspector connection failed'));
  });
  socket.close();
}

/** RSS and heap used, after a full collection when the process has an inspector port. */
export async function outpostMemory(outpost: { pid: number; metricsPort: number }, inspectPort?: number) {
  if (inspectPort !== undefined) await collectGarbage(inspectPort);
  return { rssMiB: await rssMiB(outpost.pid), heapUsedMiB: await heapUsedMiB(outpost.metricsPort) };
}
