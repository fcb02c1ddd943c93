import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { queryOne } from '@palisade/core/db/database';
import { hashPassword } from '@palisade/core/identity/passwords';
import { insertUser } from '@palisade/core/identity/users-repository';
import { BrowserSession } from '../../core/test/support/browser-session.ts';
import { OUTPOST_VERSION } from '../src/process/build-info.ts';
import { healthcheck } from '../src/process/healthcheck.ts';
import { type OutpostHandle, startOutpost } from '../src/process/main.ts';
import { createOutpost, createProxyApp, SECRET_KEY, startTestCore, type TestCore } from './support/core.ts';
import { recordingLog } from './support/log.ts';
import { RecordingRuntime } from './support/recording-runtime.ts';

const SIGN_IN = '/if/flow/default-authentication-flow/';
const SIGN_OUT = '/if/flow/default-invalidation-flow/';

/** Sends one plain request to the outpost's port; answers status and body. */
function send(port: number, options: { method?: string; host: string; path: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: options.host },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the proxy outpost process against a real core', () => {
  let core: TestCore;
  let outpost: { uuid: string; token: string };
  let runtime: RecordingRuntime;
  let handle: OutpostHandle;
  const log = recordingLog();
  const providers: Record<string, number> = {};
  const exits: number[] = [];
  let coreStopped = false;

  before(async () => {
    core = await startTestCore();
    for (const name of ['alpha', 'bravo', 'charlie']) providers[name] = await createProxyApp(core, name);
    outpost = await createOutpost(core, 'edge', Object.values(providers));
    handle = await startOutpost({
      env: {
        AUTHENTIK_HOST: core.url,
        AUTHENTIK_TOKEN: outpost.token,
        AUTHENTIK_LISTEN__HTTP: '127.0.0.1:0',
        AUTHENTIK_LISTEN__HTTPS: '127.0.0.1:0',
        AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0',
      },
      createRuntime: (options) => (runtime = new RecordingRuntime(options)),
      listen: true,
      log,
      // Two a page: the three providers take two pages.
      pageSize: 2,
      reloadOffsetMs: 0,
      handleSignals: true,
      exit: (code) => exits.push(code),
    });
  });
  after(async () => {
    await handle?.close();
    if (!coreStopped) await core?.close();
  });

  it('finds its outpost and fetches every page of its providers', () => {
    const first = runtime.updates[0];
    assert.ok(first);
    assert.equal(first.outpost.pk, outpost.uuid);
    assert.equal(first.outpost.name, 'edge');
    assert.deepEqual(first.providers.map((p) => p.name).sort(), ['alpha', 'bravo', 'charlie']);
    assert.equal(first.providers.find((p) => p.name === 'alpha')?.external_host, 'https://alpha.example.com');
    assert.equal(runtime.options.embedded, false);
    assert.match(runtime.options.version, /^goauthentik\.io\/outpost\/\d+\.\d+\.\d+/);
    assert.deepEqual(runtime.options.trustedProxyCidrs, []);
  });

  it('says HELLO: the core lists the instance with its version and hostname', async () => {
    let health: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50; i++) {
      health = (await core.api('GET', `/outposts/instances/${outpost.uuid}/health/`)).body;
      if (health.some((h) => h.uid === handle.instanceUuid)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const mine = health.find((h) => h.uid === handle.instanceUuid);
    assert.ok(mine, JSON.stringify(health));
    assert.equal(mine.version, OUTPOST_VERSION);
    assert.equal(mine.hostname, hostname());
    assert.equal(mine.golang_version, '');
    assert.equal(mine.openssl_version, process.versions.openssl);
    assert.equal(handle.websocket.connected, true);
  });

  it('refetches when an admin changes a provider (TRIGGER_UPDATE), with the new value', async () => {
    const from = runtime.updates.length;
    const patched = await core.api('PATCH', `/providers/proxy/${providers.alpha}/`, {
      external_host: 'https://alpha-new.example.com',
    });
    assert.equal(patched.status, 200);
    const update = await runtime.nextUpdate(from, (u) =>
      u.providers.some((p) => p.external_host === 'https://alpha-new.example.com'),
    );
    assert.equal(update.providers.length, 3);
  });

  it('ends the sessions of a core login that signs out (SESSION_END with the session digest)', async () => {
    await insertUser(core.server.ctx.db, {
      username: 'erin',
      email: 'erin@example.com',
      passwordHash: await hashPassword('erin-password'),
    });
    const browser = new BrowserSession(core.server.app);
    const signIn = await browser.submit(SIGN_IN, { uid_field: 'erin', password: 'erin-password' });
    assert.equal(signIn.statusCode, 303);
    const session = await queryOne<{ key_digest: string }>(
      core.server.ctx.db,
      `SELECT key_digest FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'erin')`,
    );
    assert.match(session?.key_digest ?? '', /^[0-9a-f]{64}$/);
    const signOut = await browser.submit(SIGN_OUT, {});
    assert.equal(signOut.statusCode, 303);
    await runtime.waitFor(() => runtime.endedSessions.includes(session?.key_digest ?? ''), 'endSession');
  });

  it('refreshes on SIGUSR1', async () => {
    const from = runtime.updates.length;
    process.kill(process.pid, 'SIGUSR1');
    await runtime.nextUpdate(from);
    assert.ok(log.lines.some((l) => l.msg === 'configuration refreshed' && l.fields.reason === 'sigusr1'));
  });

  it('forces the Host of back-channel calls to the outpost config authentik_host (spec §2.4)', async () => {
    const patched = await core.api('PATCH', `/outposts/instances/${outpost.uuid}/`, {
      config: { authentik_host: 'https://sso.example.com' },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    // The core does not announce outpost changes over the websocket yet (only providers, applications).
    assert.equal(await handle.refresh('test'), true);
    assert.equal(runtime.last?.outpost.config.authentik_host, 'https://sso.example.com');
    // The core names its issuer after the Host it was reached with, so this shows which Host it saw.
    const res = await runtime.options.coreFetch(
      `${core.url}application/o/alpha/.well-known/openid-configuration`,
    );
    assert.equal(res.status, 200);
    const issuer = new URL(((await res.json()) as { issuer: string }).issuer);
    assert.equal(issuer.host, 'sso.example.com');
    const plain = await fetch(`${core.url}application/o/alpha/.well-known/openid-configuration`);
    assert.equal(new URL(((await plain.json()) as { issuer: string }).issuer).host, new URL(core.url).host);
  });

  it('posts events to the core', async () => {
    runtime.options.postEvent({
      action: 'configuration_error',
      app: 'authentik.providers.proxy',
      client_ip: '10.1.2.3',
      context: { message: 'failed to detect a forward URL from nginx' },
    });
    let row: { client_ip: string } | undefined;
    for (let i = 0; i < 50 && !row; i++) {
      row = await queryOne(
        core.server.ctx.db,
        "SELECT client_ip FROM events WHERE action = 'configuration_error' AND app = 'authentik.providers.proxy'",
      );
      if (!row) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(row?.client_ip, '10.1.2.3');
  });

  it('serves ports 9000 and 9443 through the runtime', async () => {
    const http = await send(handle.addresses.http?.port ?? 0, { host: 'alpha-new.example.com', path: '/' });
    assert.deepEqual(http, { status: 200, body: 'recording runtime\n' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: handle.addresses.https?.port, path: '/', rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
  });

  it('serves /metrics with the spec names, bounded labels and no raw paths; ping 204; others 404', async () => {
    const port = handle.addresses.http?.port ?? 0;
    await send(port, { host: 'alpha-new.example.com', path: '/' });
    await send(port, { host: 'evil.example.com', path: '/secret/raw-path?token=x', method: 'PROPFIND' });
    const metricsPort = handle.addresses.metrics?.port ?? 0;
    const text = (await send(metricsPort, { host: 'localhost', path: '/metrics' })).body;
    for (const name of [
      'authentik_outpost_info',
      'authentik_outpost_last_update',
      'authentik_outpost_connection',
      'authentik_outpost_proxy_request_duration_seconds',
      'authentik_outpost_proxy_upstream_response_duration_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.match(
      text,
      new RegExp(
        `^authentik_outpost_connection\\{outpost_name="edge",outpost_type="proxy",uuid="${handle.instanceUuid}"\\} 1$`,
        'm',
      ),
    );
    assert.match(
      text,
      /^authentik_outpost_info\{outpost_name="edge",outpost_type="proxy",uuid="[^"]+",version="[^"]+",build=""\} 1$/m,
    );
    assert.match(
      text,
      /request_duration_seconds_count\{outpost_name="edge",method="GET",host="alpha-new.example.com",type="app"\} \d+/,
    );
    assert.match(
      text,
      /request_duration_seconds_count\{outpost_name="edge",method="other",host="unknown",type="app"\} 1/,
    );
    assert.ok(!text.includes('secret'), 'no request path or query in any label');
    assert.ok(!text.includes('evil'), 'no unconfigured host in any label');
    assert.equal((await send(metricsPort, { host: 'x', path: '/outpost.goauthentik.io/ping' })).status, 204);
    assert.equal((await send(metricsPort, { host: 'x', path: '/anything' })).status, 404);
  });

  it('healthcheck: 0 while the metrics port answers, 1 when nothing listens', async () => {
    const metricsPort = handle.addresses.metrics?.port ?? 0;
    assert.equal(await healthcheck({ AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${metricsPort}` }), 0);
    assert.equal(await healthcheck({ AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${await freePort()}` }), 1);
  });

  it('never logs the token', () => {
    assert.ok(!log.text().includes(outpost.token));
  });

  it("runs embedded with the core's secret key and no listeners (listen: false)", async () => {
    const embedded = (
      await core.api('GET', '/outposts/instances/?managed__iexact=goauthentik.io/outposts/embedded')
    ).body.results[0];
    assert.ok(embedded);
    const bound = await core.api('PATCH', `/outposts/instances/${embedded.pk}/`, {
      providers: [providers.bravo],
    });
    assert.equal(bound.status, 200, JSON.stringify(bound.body));
    const embeddedLog = recordingLog();
    let inside: RecordingRuntime | undefined;
    const inCore = await startOutpost({
      env: { AUTHENTIK_HOST: core.url, AUTHENTIK_TOKEN: SECRET_KEY },
      createRuntime: (options) => (inside = new RecordingRuntime(options)),
      listen: false,
      log: embeddedLog,
      reloadOffsetMs: 0,
    });
    try {
      assert.ok(inside);
      assert.equal(inCore.runtime, inside);
      assert.equal(inside.options.embedded, true);
      assert.equal(inside.last?.outpost.pk, embedded.pk);
      assert.deepEqual(
        inside.last?.providers.map((p) => p.name),
        ['bravo'],
      );
      assert.deepEqual(inCore.addresses, {});
      let health: Array<{ uid: string }> = [];
      for (let i = 0; i < 50 && !health.some((h) => h.uid === inCore.instanceUuid); i++) {
        health = (await core.api('GET', `/outposts/instances/${embedded.pk}/health/`)).body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(
        health.some((h) => h.uid === inCore.instanceUuid),
        'the embedded instance said HELLO',
      );
      const from = inside.updates.length;
      await core.api('PATCH', `/providers/proxy/${providers.bravo}/`, { skip_path_regex: '^/public/' });
      const update = await inside.nextUpdate(from, (u) => u.providers[0]?.skip_path_regex === '^/public/');
      assert.equal(update.providers.length, 1);
      assert.ok(!embeddedLog.text().includes(SECRET_KEY), 'the secret key is never logged');
    } finally {
      await inCore.close();
    }
  });

  it('SIGTERM: stops accepting, lets an in-flight request finish, exits 0', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'support', 'outpost-child.ts')], {
      env: {
        ...process.env,
        AUTHENTIK_HOST: core.url,
        AUTHENTIK_TOKEN: outpost.token,
        AUTHENTIK_LISTEN__HTTP: '127.0.0.1:0',
        AUTHENTIK_LISTEN__HTTPS: '127.0.0.1:0',
        AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { addresses } = JSON.parse(line) as OutpostHandle;
    const metricsEnv = { AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${addresses.metrics?.port}` };
    assert.equal(await healthcheck(metricsEnv), 0);
    const slow = send(addresses.http?.port ?? 0, { host: 'alpha-new.example.com', path: '/slow' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    assert.deepEqual(await slow, { status: 200, body: 'recording runtime\n' });
    assert.equal(await exited, 0);
    assert.equal(await healthcheck(metricsEnv), 1);
  });

  it('keeps the last configuration when the core is away, and says so on the connection gauge', async () => {
    const last = runtime.last;
    await core.close();
    coreStopped = true;
    assert.equal(await handle.refresh('test'), false);
    assert.equal(runtime.last, last, 'the runtime was not handed anything new');
    assert.ok(log.lines.some((l) => l.level === 'error' && l.msg.startsWith('configuration refresh failed')));
    for (let i = 0; i < 50 && handle.websocket.connected; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(handle.websocket.connected, false);
    const text = (await send(handle.addresses.metrics?.port ?? 0, { host: 'x', path: '/metrics' })).body;
    assert.match(text, /^authentik_outpost_connection\{[^}]*\} 0$/m);
    // The outpost itself still serves, so its container stays healthy.
    assert.equal(
      await healthcheck({ AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${handle.addresses.metrics?.port}` }),
      0,
    );
    assert.deepEqual(
      await send(handle.addresses.http?.port ?? 0, { host: 'alpha-new.example.com', path: '/' }),
      { status: 200, body: 'recording runtime\n' },
    );
    assert.deepEqual(exits, []);
  });
});
