/**
 * `npm run bench`: measures the core's request path side by side in one run, each case against the same
 * baseline so the ratios hold whatever the machine:
 * - baseline: GET /-/health/live/ (HTTP stack only: no authentication, no database);
 * - api token: GET /api/v3/core/users/me/ with a Bearer token (digest lookup, user load, response schema);
 * - session: the same with a session cookie;
 * - login: POST of the sign-in form (argon2id verification dominates, by design).
 * Then the outpost hub: time from an API change to TRIGGER_UPDATE at each of BENCH_OUTPOST_INSTANCES (default
 * 50) connected instances, BENCH_OUTPOST_ROUNDS (default 100) changes, on the embedded database and, when
 * PALISADE_BENCH_POSTGRESQL_URL or PALISADE_TEST_POSTGRESQL_URL names a server, on a new database there.
 * Settings: BENCH_SECONDS (default 5 per case), BENCH_CONCURRENCY (default 16).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@palisade/core/config/load';
import { createSession } from '@palisade/core/identity/sessions-repository';
import { findUserByUsername } from '@palisade/core/identity/users-repository';
import { startServer } from '@palisade/core/server';
import { drive, type LoadResult, table } from './load.ts';
import { measureOutpostUpdates, type UpdateLatency, updateTable } from './outpost-updates.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const dataDir = await mkdtemp(join(tmpdir(), 'palisade-bench-'));
const token = 'bench-api-token-0123456789abcdefghijkl';
const password = 'bench-password-0123';
const config = loadConfig({
  env: {
    PALISADE_DATA_DIR: dataDir,
    PALISADE_LISTEN__HTTP: '127.0.0.1:0',
    PALISADE_LOG_LEVEL: 'silent',
    PALISADE_BOOTSTRAP_TOKEN: token,
    PALISADE_BOOTSTRAP_PASSWORD: password,
    // The benchmark signs in thousands of times from one address; lift the throttle for it.
    PALISADE_LOGIN__MAX_FAILURES_PER_ADDRESS: '1000000',
  },
});
const server = await startServer(config);
try {
  const base = server.app.server.address();
  const url = `http://127.0.0.1:${typeof base === 'object' && base ? base.port : 0}`;
  const admin = await findUserByUsername(server.ctx.db, 'akadmin');
  if (!admin) throw new Error('akadmin missing');
  const { cookieValue } = await createSession(server.ctx.db, {
    userId: admin.id,
    maxAgeSeconds: 3600,
    clientAddress: '',
    userAgent: 'bench',
  });
  const loginPage = await fetch(`${url}/if/flow/default-authentication-flow/`);
  const csrfCookie =
    (loginPage.headers.getSetCookie().find((c) => c.startsWith('palisade_csrf=')) ?? '').split(';')[0] ?? '';
  const csrf = decodeURIComponent(csrfCookie.split('=')[1] ?? '');
  const results: LoadResult[] = [];
  const opts = { seconds, concurrency };
  results.push(
    await drive('baseline: /-/health/live/', () => fetch(`${url}/-/health/live/`), {
      ...opts,
      expectStatus: 204,
    }),
  );
  results.push(
    await drive(
      'api token: /api/v3/core/users/me/',
      () => fetch(`${url}/api/v3/core/users/me/`, { headers: { authorization: `Bearer ${token}` } }),
      {
        ...opts,
        expectStatus: 200,
      },
    ),
  );
  results.push(
    await drive(
      'session: /api/v3/core/users/me/',
      () => fetch(`${url}/api/v3/core/users/me/`, { headers: { cookie: `palisade_session=${cookieValue}` } }),
      {
        ...opts,
        expectStatus: 200,
      },
    ),
  );
  results.push(
    await drive(
      'login: POST sign-in form',
      () =>
        fetch(`${url}/if/flow/default-authentication-flow/`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
          body: new URLSearchParams({ csrf_token: csrf, uid_field: 'akadmin', password }).toString(),
        }),
      { ...opts, expectStatus: 303 },
    ),
  );
  process.stdout.write(
    `\nPalisade core request path, ${seconds} s per case, ${concurrency} concurrent, loopback\n\n${table(results)}\n`,
  );
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
} finally {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}

const hubOptions = {
  instances: Number(process.env.BENCH_OUTPOST_INSTANCES ?? 50),
  rounds: Number(process.env.BENCH_OUTPOST_ROUNDS ?? 100),
};
const postgresUrl = process.env.PALISADE_BENCH_POSTGRESQL_URL ?? process.env.PALISADE_TEST_POSTGRESQL_URL;
const hub: UpdateLatency[] = [await measureOutpostUpdates(hubOptions)];
if (postgresUrl) hub.push(await measureOutpostUpdates({ ...hubOptions, postgresUrl }));
process.stdout.write(
  `\nOutpost hub: API change (PATCH of a provider) to TRIGGER_UPDATE at every connected instance\n\n${updateTable(hub)}\n`,
);
if (!postgresUrl) process.stdout.write('(no PostgreSQL server named: PALISADE_BENCH_POSTGRESQL_URL)\n');
