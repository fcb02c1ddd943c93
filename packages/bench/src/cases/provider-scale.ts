/**
 * Case 7: forward-auth rate with 1, 100 and 1,000 providers on one outpost. One core, 1,000 applications,
 * three outpost processes (serving the first 1, 100 and all 1,000), loaded side by side with the same
 * signed-in session for the first application, straight at each outpost's nginx endpoint (no proxy in
 * front, so the outpost is all that differs). Also each outpost's time to serve and its idle memory.
 */
import { startForwardAuthStack } from '../../../e2e/src/forward-auth-stack.ts';
import { type OutpostProcess, startOutpostProcess } from '../../../e2e/src/outpost-process.ts';
import { type BenchCase, type BenchSettings, type CaseReport, fixed, markdownTable } from '../bench-case.ts';
import { signInOverHttp } from '../http-sign-in.ts';
import { BENCH_USER } from '../palisade-stack.ts';
import { outpostMemory } from '../process-memory.ts';
import { addOutpost, appHost, provisionApps } from '../provisioning.ts';
import { checkTargets, type LoadTarget, sideBySide } from '../side-by-side.ts';

async function run(settings: BenchSettings): Promise<CaseReport> {
  const sizes = (process.env.BENCH_PROVIDER_COUNTS ?? '1,100,1000').split(',').map(Number);
  const largest = Math.max(...sizes);
  const stack = await startForwardAuthStack({
    apps: [{ slug: 'app-0', externalHost: `http://${appHost(0)}`, mode: 'forward_single' }],
    users: [BENCH_USER],
  });
  const outposts: OutpostProcess[] = [];
  try {
    settings.log(`provider scale: provisioning ${largest} applications`);
    const { results } = await stack.api<{ results: Array<{ pk: number }> }>('GET', '/providers/proxy/');
    const pks = [results[0]?.pk ?? 0, ...(await provisionApps(stack, 1, largest))];
    const started: Array<{ providers: number; outpost: OutpostProcess; readyMs: number }> = [];
    for (const size of sizes) {
      const token =
        size === 1 ? stack.outpostToken : await addOutpost(stack, `bench ${size}`, pks.slice(0, size));
      settings.log(`provider scale: outpost with ${size} providers`);
      const t0 = performance.now();
      const outpost = await startOutpostProcess({
        coreUrl: stack.core.url,
        token,
        readyHost: appHost(0),
        timeoutMs: 300_000,
      });
      outposts.push(outpost);
      started.push({ providers: size, outpost, readyMs: performance.now() - t0 });
    }
    const first = started[0]?.outpost;
    if (!first) throw new Error('no outpost started');
    const cookie = await signInOverHttp({
      appUrl: `http://${appHost(0)}`,
      appAddress: { host: '127.0.0.1', port: first.port },
      username: BENCH_USER.username,
      password: BENCH_USER.password,
    });
    const memory: Array<{ rssMiB: number; heapUsedMiB: number }> = [];
    for (const s of started) memory.push(await outpostMemory(s.outpost));
    const targets: LoadTarget[] = started.map((s) => ({
      name: `${s.providers} provider${s.providers === 1 ? '' : 's'}`,
      url: `${s.outpost.url}/outpost.goauthentik.io/auth/nginx`,
      headers: { 'X-Original-URL': `http://${appHost(0)}/`, Cookie: cookie },
      expect: 'ok',
    }));
    await checkTargets(targets);
    // Each outpost knows its last application too (a 401 for it, not 400 "no app for hostname").
    await checkTargets(
      started.map((s) => ({
        name: `the last of ${s.providers}`,
        url: `${s.outpost.url}/outpost.goauthentik.io/auth/nginx`,
        headers: { 'X-Original-URL': `http://${appHost(s.providers - 1)}/` },
        expect: 'refused',
      })),
      (_, res) => (res.status === 401 ? undefined : `answered ${res.status}, not 401`),
    );
    settings.log('provider scale: load');
    const figures = await sideBySide(targets, settings);
    const base = figures[0]?.perSecond || 1;
    return {
      title: 'Forward-auth rate by number of providers on one outpost',
      table: markdownTable(
        [
          'providers',
          'req/s',
          'ratio to 1 provider',
          'p50 ms',
          'p99 ms',
          'wrong',
          'start to serving s',
          'idle RSS MiB',
          'heap used MiB',
        ],
        figures.map((f, i) => [
          started[i]?.providers ?? 0,
          fixed(f.perSecond, 0),
          fixed(f.perSecond / base),
          fixed(f.p50Ms),
          fixed(f.p99Ms),
          f.wrong,
          fixed((started[i]?.readyMs ?? 0) / 1000, 1),
          fixed(memory[i]?.rssMiB ?? 0, 1),
          fixed(memory[i]?.heapUsedMiB ?? 0, 1),
        ]),
      ),
      notes: [
        `wrk straight at each outpost's /outpost.goauthentik.io/auth/nginx, ${settings.connections} connections, ${settings.rounds} interleaved rounds of ${settings.seconds} s; the signed-in session of the first application.`,
        '"start to serving": from spawning `palisade outpost` to its first 401 for the first application (fetching every provider page and building every application).',
      ],
      targets: [],
      data: {
        started: started.map((s, i) => ({ providers: s.providers, readyMs: s.readyMs, memory: memory[i] })),
        figures,
      },
    };
  } finally {
    for (const outpost of outposts) await outpost.stop();
    await stack.close();
  }
}

export const providerScale: BenchCase = {
  name: 'provider-scale',
  summary: 'forward-auth rate with 1, 100 and 1,000 providers on one outpost',
  tools: ['wrk'],
  run,
};
