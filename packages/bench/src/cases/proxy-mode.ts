/**
 * Case 3: proxy mode, the outpost as the reverse proxy (signed in), against nginx `proxy_pass` (upstream
 * keepalive, no auth) to the same backend, and the backend asked directly. The backend is
 * servers/bare-http.ts, so the proxies' own cost is what differs.
 */
import { startNginx } from '../../../e2e/src/nginx.ts';
import { freePort } from '../../../e2e/src/server-process.ts';
import { type BenchCase, type CaseReport, fixed, markdownTable } from '../bench-case.ts';
import { type BareHttp, startBareHttp } from '../bare-http.ts';
import { type PalisadeStack, startPalisadeStack } from '../palisade-stack.ts';
import { checkTargets, type LoadTarget, sideBySide } from '../side-by-side.ts';

const HOST = 'proxy.bench.test';

async function run(settings: Parameters<BenchCase['run']>[0]): Promise<CaseReport> {
  let backend: BareHttp | undefined;
  let palisade: PalisadeStack | undefined;
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    backend = await startBareHttp('backend');
    palisade = await startPalisadeStack({
      apps: [
        {
          slug: 'proxied',
          externalHost: `http://${HOST}`,
          mode: 'proxy',
          internalHost: `http://127.0.0.1:${backend.port}`,
        },
      ],
    });
    const port = await freePort();
    nginx = await startNginx(
      port,
      `
upstream backend { server 127.0.0.1:${backend.port}; keepalive 64; }
server {
  listen 127.0.0.1:${port};
  access_log off;
  location / {
    proxy_pass http://backend;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
  }
}`,
    );
    const targets: LoadTarget[] = [
      { name: 'backend, direct', url: `http://127.0.0.1:${backend.port}/`, expect: 'ok' },
      { name: 'nginx proxy_pass', url: `http://127.0.0.1:${port}/`, headers: { Host: HOST }, expect: 'ok' },
      {
        name: 'Palisade outpost, proxy mode (signed in)',
        url: `${palisade.outpost.url}/`,
        headers: { Host: HOST, Cookie: palisade.cookie },
        expect: 'ok',
      },
    ];
    await checkTargets(targets, (target, res) =>
      res.status === 200 ? undefined : `answered ${res.status}, not the backend's 200`,
    );
    settings.log('proxy mode');
    const figures = await sideBySide(targets, settings);
    const nginxRate = figures[1]?.perSecond || 1;
    const ratio = (figures[2]?.perSecond ?? 0) / nginxRate;
    return {
      title: 'Proxy mode: the outpost as reverse proxy against nginx proxy_pass',
      table: markdownTable(
        ['path', 'req/s', 'ratio to nginx', 'p50 ms', 'p99 ms', 'wrong answers'],
        figures.map((f) => [
          f.name,
          fixed(f.perSecond, 0),
          fixed(f.perSecond / nginxRate),
          fixed(f.p50Ms),
          fixed(f.p99Ms),
          f.wrong,
        ]),
      ),
      notes: [
        `wrk, ${settings.connections} connections, ${settings.seconds} s a run, ${settings.rounds} interleaved rounds. Backend: a bare node:http server answering 200 "ok".`,
        'The outpost checks the session, strips its cookie, adds the identity headers and forwards (spec §5); nginx only forwards.',
      ],
      targets: [],
      data: { figures, ratioToNginx: ratio },
    };
  } finally {
    await nginx?.stop();
    await palisade?.close();
    await backend?.stop();
  }
}

export const proxyMode: BenchCase = {
  name: 'proxy-mode',
  summary: 'the outpost as reverse proxy against nginx proxy_pass to the same backend',
  tools: ['nginx', 'wrk'],
  run,
};
