/**
 * Case 6: the outpost's memory, idle with 100 providers, and its growth with 100,000 active sessions.
 *
 * Sessions are sealed cookies (session/sealed-session.ts): the outpost stores nothing per session. What an
 * active session can cost it is what it keeps to go faster or to revoke: the opened-session cache (at most
 * OPENED_SESSION_ENTRIES, for OPENED_SESSION_TTL_MS), the header sign-in cache (Authorization headers only,
 * not used here) and the revocation list (one entry per session signed out before its token expires). So
 * 100,000 distinct, valid session cookies are sealed for the first application (each its own session id,
 * all carrying the token of one real sign-in) and every one is presented once, then memory is read again;
 * then every one of them is signed out (each adds a revocation entry) and memory is read once more.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { startForwardAuthStack } from '../../../e2e/src/forward-auth-stack.ts';
import { type OutpostProcess, startOutpostProcess } from '../../../e2e/src/outpost-process.ts';
import { freePort } from '../../../e2e/src/server-process.ts';
import { cookieNameFor } from '../../../outpost/src/proxy/app/application.ts';
import { OPENED_SESSION_ENTRIES } from '../../../outpost/src/proxy/session/opened-sessions.ts';
import { createSessionSealer } from '../../../outpost/src/proxy/session/sealed-session.ts';
import { type BenchCase, type BenchSettings, type CaseReport, fixed, markdownTable } from '../bench-case.ts';
import { signInOverHttp } from '../http-sign-in.ts';
import { BENCH_USER } from '../palisade-stack.ts';
import { outpostMemory } from '../process-memory.ts';
import { addOutpost, appHost, provisionApps } from '../provisioning.ts';

/**
 * Sends one GET of `path` per cookie line, `concurrency` at a time over kept-alive connections; answers how
 * many were answered below 400 and how many at 400 or more.
 */
async function replay(port: number, path: string, cookies: readonly string[], concurrency = 16) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let passed = 0;
  let refused = 0;
  const one = (cookie: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          agent,
          headers: { cookie, host: appHost(0), 'x-original-url': `http://${appHost(0)}/` },
        },
        (res) => {
          if ((res.statusCode ?? 500) < 400) passed++;
          else refused++;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    while (next < cookies.length) await one(cookies[next++] ?? '');
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { requests: passed + refused, passed, refused, seconds: (performance.now() - t0) / 1000 };
}

async function run(settings: BenchSettings): Promise<CaseReport> {
  const providers = 100;
  const sessions = Number(process.env.BENCH_SESSIONS ?? 100_000);
  const stack = await startForwardAuthStack({
    apps: [{ slug: 'app-0', externalHost: `http://${appHost(0)}`, mode: 'forward_single' }],
    users: [BENCH_USER],
  });
  let outpost: OutpostProcess | undefined;
  try {
    settings.log(`outpost memory: provisioning ${providers} applications`);
    const { results } = await stack.api<{ results: Array<{ pk: number }> }>('GET', '/providers/proxy/');
    const pks = [results[0]?.pk ?? 0, ...(await provisionApps(stack, 1, providers))];
    const token = await addOutpost(stack, `bench memory ${providers}`, pks);
    // An inspector port on loopback, only to ask for full garbage collections before each reading.
    const inspectPort = await freePort();
    outpost = await startOutpostProcess({
      coreUrl: stack.core.url,
      token,
      readyHost: appHost(0),
      timeoutMs: 120_000,
      env: { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` },
    });
    const cookie = await signInOverHttp({
      appUrl: `http://${appHost(0)}`,
      appAddress: { host: '127.0.0.1', port: outpost.port },
      username: BENCH_USER.username,
      password: BENCH_USER.password,
    });
    const idle = await outpostMemory(outpost, inspectPort);

    // What the outpost itself is given (its token's view), to seal cookies exactly as it would.
    const config = (await (
      await fetch(`${stack.core.url}/api/v3/outposts/proxy/?page_size=100`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { results: Array<{ name: string; client_id: string; cookie_secret: string }> };
    const app = config.results.find((p) => p.name === 'app-0 provider');
    if (!app) throw new Error('app-0 not in the outpost configuration');
    const name = cookieNameFor(app.client_id);
    const sealer = createSessionSealer(app.cookie_secret, app.client_id, name);
    const signedIn = sealer.open(cookie.slice(cookie.indexOf('=') + 1));
    if (!signedIn?.token) throw new Error('the signed-in cookie does not open');
    settings.log(`outpost memory: sealing ${sessions} sessions`);
    const lines: string[] = [];
    for (let i = 0; i < sessions; i++)
      lines.push(`${name}=${sealer.seal({ ...signedIn, sid: randomBytes(32).toString('base64url') })}`);
    settings.log('outpost memory: every session checked once');
    const checked = await replay(outpost.port, '/outpost.goauthentik.io/auth/nginx', lines);
    const active = await outpostMemory(outpost, inspectPort);
    settings.log('outpost memory: every session signed out');
    const signedOut = await replay(outpost.port, '/outpost.goauthentik.io/sign_out', lines);
    const revoked = await outpostMemory(outpost, inspectPort);
    const per100k = (mib: number) => (mib * 100_000) / sessions;
    const rows = [
      [`idle, ${providers} providers`, '', fixed(idle.rssMiB, 1), fixed(idle.heapUsedMiB, 1), '', ''],
      [
        `${sessions} sessions checked once each`,
        `${checked.requests} (${checked.refused} refused)`,
        fixed(active.rssMiB, 1),
        fixed(active.heapUsedMiB, 1),
        fixed(per100k(active.rssMiB - idle.rssMiB), 1),
        fixed(per100k(active.heapUsedMiB - idle.heapUsedMiB), 1),
      ],
      [
        `then all ${sessions} signed out (revocation list)`,
        `${signedOut.requests}`,
        fixed(revoked.rssMiB, 1),
        fixed(revoked.heapUsedMiB, 1),
        fixed(per100k(revoked.rssMiB - idle.rssMiB), 1),
        fixed(per100k(revoked.heapUsedMiB - idle.heapUsedMiB), 1),
      ],
    ];
    return {
      title: 'Outpost memory: idle with 100 providers, and 100,000 active sessions',
      table: markdownTable(
        [
          'state',
          'requests',
          'RSS MiB',
          'heap used MiB',
          'RSS growth per 100k MiB',
          'heap growth per 100k MiB',
        ],
        rows,
      ),
      notes: [
        `Sessions are sealed cookies: the outpost keeps nothing per session but its opened-session cache (at most ${OPENED_SESSION_ENTRIES} entries, 5 min) and, once signed out, a revocation entry until the token could expire.`,
        "Heap used is read from the outpost's /metrics after a full garbage collection (asked through its inspector port), so it is what the outpost keeps; RSS is the process's resident memory, which seldom shrinks once grown (V8 keeps pages it grew into).",
      ],
      targets: [],
      data: { providers, sessions, idle, active, revoked, checked, signedOut },
    };
  } finally {
    await outpost?.stop();
    await stack.close();
  }
}

export const outpostMemoryCase: BenchCase = {
  name: 'outpost-memory',
  summary: 'outpost RSS idle with 100 providers, and its growth per 100,000 active sessions',
  tools: [],
  run,
};
