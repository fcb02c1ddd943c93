/**
 * Case 5: the core. Its request path side by side (health check as the baseline, then an API token, a
 * session cookie), sign-ins per second and per CPU-second (argon2id verification dominates, by design), and
 * authorization-code-to-token exchanges per second. The core runs in this process (startServer, embedded
 * database) and is driven by fetch from the same process, so CPU figures include the client's share.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@palisade/core/config/load';
import { PASSWORD_PARAMETERS } from '@palisade/core/identity/passwords';
import { createSession } from '@palisade/core/identity/sessions-repository';
import { findUserByUsername } from '@palisade/core/identity/users-repository';
import { startServer } from '@palisade/core/server';
import { cookieFetch } from '../../../core/test/support/cookie-fetch.ts';
import { type BenchCase, type BenchSettings, type CaseReport, fixed, markdownTable } from '../bench-case.ts';
import { drive, type LoadResult } from '../load.ts';
import { summarize } from '../stats.ts';

const TOKEN = 'bench-api-token-0123456789abcdefghijkl';
const PASSWORD = 'bench-password-0123';
const REDIRECT_URI = 'https://bench.example.com/cb';
const CONCURRENCY = 16;

async function run(settings: BenchSettings): Promise<CaseReport> {
  const dataDir = await mkdtemp(join(tmpdir(), 'palisade-bench-core-'));
  const server = await startServer(
    loadConfig({
      env: {
        PALISADE_DATA_DIR: dataDir,
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_LISTEN__METRICS: '',
        PALISADE_LOG_LEVEL: 'silent',
        PALISADE_BOOTSTRAP_TOKEN: TOKEN,
        PALISADE_BOOTSTRAP_PASSWORD: PASSWORD,
        // The benchmark signs in thousands of times from one address; lift the throttle for it.
        PALISADE_LOGIN__MAX_FAILURES_PER_ADDRESS: '1000000',
      },
    }),
  );
  try {
    const address = server.app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const admin = await findUserByUsername(server.ctx.db, 'akadmin');
    if (!admin) throw new Error('akadmin missing');
    const { cookieValue } = await createSession(server.ctx.db, {
      userId: admin.id,
      maxAgeSeconds: 3600,
      clientAddress: '',
      userAgent: 'bench',
    });
    const session = `palisade_session=${cookieValue}`;
    const opts = { seconds: settings.seconds, concurrency: CONCURRENCY };
    settings.log('core: request path');
    const path: LoadResult[] = [
      await drive('baseline: /-/health/live/', () => fetch(`${url}/-/health/live/`), {
        ...opts,
        expectStatus: 204,
      }),
      await drive(
        'api token: /api/v3/core/users/me/',
        () => fetch(`${url}/api/v3/core/users/me/`, { headers: { authorization: `Bearer ${TOKEN}` } }),
        { ...opts, expectStatus: 200 },
      ),
      await drive(
        'session: /api/v3/core/users/me/',
        () => fetch(`${url}/api/v3/core/users/me/`, { headers: { cookie: session } }),
        { ...opts, expectStatus: 200 },
      ),
    ];
    settings.log('core: sign-ins');
    const signIns = await measureSignIns(url, settings);
    settings.log('core: code exchanges');
    const exchanges = await measureExchanges(url, session, settings);
    const base = path[0]?.perSecond || 1;
    const rows = [
      ...path.map((r) => [
        r.name,
        fixed(r.perSecond, 0),
        fixed(r.perSecond / base),
        fixed(r.p50Ms),
        fixed(r.p99Ms),
        r.errors,
      ]),
      [
        `sign-in: POST form (argon2id m=${PASSWORD_PARAMETERS.memory} KiB, t=${PASSWORD_PARAMETERS.passes}, p=${PASSWORD_PARAMETERS.parallelism})`,
        fixed(signIns.load.perSecond, 1),
        fixed(signIns.load.perSecond / base, 4),
        fixed(signIns.load.p50Ms),
        fixed(signIns.load.p99Ms),
        signIns.load.errors,
      ],
      [
        'authorize (signed in, implicit consent) → code',
        fixed(exchanges.authorizePerSecond, 0),
        fixed(exchanges.authorizePerSecond / base),
        fixed(exchanges.authorize.p50),
        fixed(exchanges.authorize.p99),
        exchanges.errors,
      ],
      [
        'token: authorization_code → tokens',
        fixed(exchanges.exchangePerSecond, 0),
        fixed(exchanges.exchangePerSecond / base),
        fixed(exchanges.exchange.p50),
        fixed(exchanges.exchange.p99),
        exchanges.errors,
      ],
    ];
    return {
      title: 'Core: request path, sign-ins, code exchanges',
      table: `${markdownTable(['case', 'per second', 'ratio to baseline', 'p50 ms', 'p99 ms', 'errors'], rows)}\n\nSign-ins per CPU-second (per core): ${fixed(signIns.perCpuSecond, 1)} (${fixed(signIns.cpuSeconds, 1)} CPU-s over ${fixed(signIns.load.seconds, 1)} s wall on ${cpus().length} cores).`,
      notes: [
        `fetch from this process, ${CONCURRENCY} concurrent, ${settings.seconds} s a case, embedded database.`,
        'Sign-in per core: sign-ins divided by the CPU time the whole process used meanwhile (argon2 runs on the libuv thread pool, so one process uses every core); the client fetches are included, so this errs low.',
        'Code exchanges: codes are made in batches of 16 (authorize with a session cookie, implicit consent), then exchanged at once; only the exchanges are timed for the token row.',
      ],
      targets: [],
      data: { path, signIns, exchanges, passwordParameters: PASSWORD_PARAMETERS },
    };
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measureSignIns(url: string, settings: BenchSettings) {
  const page = await fetch(`${url}/if/flow/default-authentication-flow/`);
  const csrfCookie =
    (page.headers.getSetCookie().find((c) => c.startsWith('palisade_csrf=')) ?? '').split(';')[0] ?? '';
  const csrf = decodeURIComponent(csrfCookie.split('=')[1] ?? '');
  const before = process.cpuUsage();
  const load = await drive(
    'sign-in',
    () =>
      fetch(`${url}/if/flow/default-authentication-flow/`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
        body: new URLSearchParams({ csrf_token: csrf, uid_field: 'akadmin', password: PASSWORD }).toString(),
      }),
    { seconds: settings.seconds, concurrency: CONCURRENCY, expectStatus: 303 },
  );
  const used = process.cpuUsage(before);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { load, cpuSeconds, perCpuSecond: load.requests / cpuSeconds };
}

async function measureExchanges(url: string, session: string, settings: BenchSettings) {
  const api = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${url}/api/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const flows = (await (
    await fetch(`${url}/api/v3/flows/instances/?page_size=100`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
  ).json()) as { results: Array<{ slug: string; pk: string }> };
  const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
  const provider = await api('POST', '/providers/oauth2/', {
    name: 'bench exchanges',
    authorization_flow: flow('default-provider-authorization-implicit-consent'),
    invalidation_flow: flow('default-invalidation-flow'),
    redirect_uris: [{ matching_mode: 'strict', url: REDIRECT_URI }],
  });
  await api('POST', '/core/applications/', {
    name: 'bench exchanges',
    slug: 'bench-exchanges',
    provider: provider.pk,
  });
  const clientId = String(provider.client_id);
  const clientSecret = String(provider.client_secret);
  const authorizeUrl = `${url}/application/o/authorize/?${new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid profile email',
    state: 'bench-state',
  })}`;
  const authorize = async (): Promise<string> => {
    const browser = cookieFetch(url);
    browser.jar.set('palisade_session', session.slice('palisade_session='.length));
    const { url: landed } = await browser.follow(authorizeUrl);
    const code = new URL(landed).searchParams.get('code');
    if (!landed.startsWith(REDIRECT_URI) || !code) throw new Error(`authorize ended at ${landed}`);
    return code;
  };
  const exchange = async (code: string): Promise<void> => {
    const res = await fetch(`${url}/application/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    });
    const body = (await res.json()) as { access_token?: string };
    if (res.status !== 200 || !body.access_token) throw new Error(`token answered ${res.status}`);
  };
  const timed = async <T>(work: () => Promise<T>, into: number[]): Promise<T> => {
    const t0 = performance.now();
    const value = await work();
    into.push(performance.now() - t0);
    return value;
  };
  const authorizeMs: number[] = [];
  const exchangeMs: number[] = [];
  let authorizeWall = 0;
  let exchangeWall = 0;
  let errors = 0;
  const deadline = performance.now() + settings.seconds * 2 * 1000;
  while (performance.now() < deadline) {
    let t0 = performance.now();
    const codes = await Promise.all(
      Array.from({ length: CONCURRENCY }, () => timed(authorize, authorizeMs).catch(() => (errors++, ''))),
    );
    authorizeWall += performance.now() - t0;
    t0 = performance.now();
    await Promise.all(
      codes.filter(Boolean).map((code) => timed(() => exchange(code), exchangeMs).catch(() => errors++)),
    );
    exchangeWall += performance.now() - t0;
  }
  return {
    authorize: summarize(authorizeMs),
    exchange: summarize(exchangeMs),
    authorizePerSecond: authorizeMs.length / (authorizeWall / 1000),
    exchangePerSecond: exchangeMs.length / (exchangeWall / 1000),
    errors,
  };
}

export const core: BenchCase = {
  name: 'core',
  summary: 'core request path, sign-ins per second and per core, authorization-code exchanges per second',
  tools: [],
  run,
};
