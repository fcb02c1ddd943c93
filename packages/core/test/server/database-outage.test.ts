import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';
import {
  PRIVATE_POSTGRES_SKIP_REASON,
  type PrivatePostgres,
  startPrivatePostgres,
} from '../support/private-postgres.ts';

describe('the core while PostgreSQL is down', { skip: PRIVATE_POSTGRES_SKIP_REASON }, () => {
  let pg: PrivatePostgres;
  let server: RunningServer;
  let base: string;
  const token = randomBytes(24).toString('hex');
  const api = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  before(async () => {
    pg = await startPrivatePostgres();
    server = await startServer(
      testConfig({
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_DATABASE_URL: pg.url,
        PALISADE_BOOTSTRAP_TOKEN: token,
        PALISADE_LOG_LEVEL: 'error',
      }),
    );
    const address = server.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await server?.close();
    await pg?.destroy();
  });

  it('serves normally before the outage', async () => {
    assert.equal((await api('/api/v3/core/users/')).status, 200);
    assert.equal((await fetch(`${base}/-/health/ready/`)).status, 204);
  });

  it('answers 503 database_unavailable with Retry-After on the API and sign-in, promptly, and fails readiness only', async () => {
    await pg.stop();
    const started = Date.now();
    const users = await api('/api/v3/core/users/');
    assert.equal(users.status, 503);
    assert.equal(users.headers.get('retry-after'), '5');
    assert.deepEqual(await users.json(), {
      detail: 'The database is unavailable. Try again shortly.',
      code: 'database_unavailable',
    });
    const executor = await fetch(`${base}/api/v3/flows/executor/default-authentication-flow/?query=`);
    assert.equal(executor.status, 503);
    assert.equal(((await executor.json()) as { code: string }).code, 'database_unavailable');
    const signInPage = await fetch(`${base}/if/flow/default-authentication-flow/`, {
      headers: { accept: 'text/html' },
    });
    assert.equal(signInPage.status, 503);
    assert.equal(signInPage.headers.get('retry-after'), '5');
    assert.match(signInPage.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await signInPage.text(), /cannot reach its database/);
    // A refused connection fails at once; nothing waits for the pool's 10 s connect timeout.
    assert.ok(Date.now() - started < 8_000, `answered in ${Date.now() - started} ms`);
    assert.equal((await fetch(`${base}/-/health/ready/`)).status, 503);
    assert.equal((await fetch(`${base}/-/health/live/`)).status, 204, 'the process itself is alive');
  });

  it('serves again once PostgreSQL is back, without a restart', async () => {
    await pg.start();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await api('/api/v3/core/users/')).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 200);
    assert.equal((await fetch(`${base}/-/health/ready/`)).status, 204);
  });
});
