import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { startOutpost } from './src/process/main.ts';
import { createOutpostLogger } from './src/process/logger.ts';
import { providerConfig } from './test/support/configs.ts';
import { page, startScriptedCore } from './test/support/scripted-core.ts';
const core = await startScriptedCore();
core.answers.set('outposts/proxy/?page=1&page_size=100', page(Array.from({ length: 100 }, (_, i) => providerConfig({ pk: i + 1, name: `p${i}`, external_host: `https://app-${i}.example.com`, client_id: `c${i}` }))));
const log = createOutpostLogger(() => {});
const handle = await startOutpost({ env: { AUTHENTIK_HOST: core.url, AUTHENTIK_TOKEN: 't', AUTHENTIK_LISTEN__HTTP: '127.0.0.1:0', AUTHENTIK_LISTEN__HTTPS: '127.0.0.1:0', AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0' }, listen: true, log, reloadOffsetMs: 0 });
await new Promise((r) => setTimeout(r, 1000));
global.gc?.(); global.gc?.();
await new Promise((r) => setTimeout(r, 500));
const sums: Record<string, number> = {}; let name = '';
for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
  const h = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
  if (h) { name = h[1] || '[anon]'; continue; }
  const r = /^Rss:\s+(\d+) kB/.exec(line); if (r) sums[name] = (sums[name] ?? 0) + Number(r[1]);
}
const m = process.memoryUsage();
console.log('rss', (m.rss / 2 ** 20).toFixed(1), 'heapTotal', (m.heapTotal / 2 ** 20).toFixed(1), 'heapUsed', (m.heapUsed / 2 ** 20).toFixed(1), 'ext', (m.external / 2 ** 20).toFixed(1));
for (const [k, v] of Object.entries(sums).sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log((v / 1024).toFixed(1), k);
for (const s of v8.getHeapSpaceStatistics()) if (s.space_size > 0) console.log(' ', s.space_name, (s.space_size / 2 ** 20).toFixed(1), (s.space_used_size / 2 ** 20).toFixed(1));
await handle.close(); await core.close();
