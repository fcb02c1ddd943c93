import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { after, before, describe, it } from 'node:test';
import { docSnippet, fillSnippet } from '../../../../e2e/src/doc-snippets.ts';
import { type EchoBackend, startEchoBackend } from '../../../../e2e/src/echo-backend.ts';
import { type Nginx, startNginx } from '../../../../e2e/src/nginx.ts';
import { Browser } from '../../../../outpost/test/support/browser.ts';
import { type TestBackend, testBackends } from '../../support/databases.ts';
import { dockerdUnavailable, startDockerd, type TestDockerd } from './support/dockerd.ts';
import { createConnection, createDockerTestApp, type DockerTestApp } from './support/harness.ts';
import { importOutpostImage } from './support/outpost-image.ts';
import { freePort } from './support/remote.ts';
import { type SocketProxy, startSocketProxy } from './support/socket-proxy.ts';
import { createOptions, standbySpec } from '../../../src/integrations/docker/container-spec.ts';
import { desiredContainer, reconcileDockerOutpost } from '../../../src/integrations/docker/controller.ts';
import { findOutpost } from '../../../src/outposts/outposts-repository.ts';

const IMAGE = 'palisade-outpost-e2e:1';
const APP_HOST = 'app.test';
// The proxy outpost's HTTP port, as the controller publishes it, and its standby's during a roll (the
// default outposts.docker_rollover_port_offset). Fixed: the controller publishes the type's ports.
const HTTP_PORT = 9000;
const STANDBY_PORT = HTTP_PORT + 10_000;

interface Inspect {
  Id: string;
  Config: { Env: string[] };
  State: { Running: boolean; Health?: { Status: string } };
}

const skip = dockerdUnavailable();

/** Whether nothing listens on a host port (on any address). */
const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
const run = promisify(execFile);

/**
 * The host's address on the daemon's default bridge (containers reach the core there). Read from the bridge
 * interface itself: the network's IPAM config names no gateway when dockerd found the bridge already up.
 */
async function bridgeAddress(dockerd: TestDockerd): Promise<string> {
  const bridge = (
    await dockerd.docker(
      'network',
      'inspect',
      'bridge',
      '--format',
      '{{index .Options "com.docker.network.bridge.name"}}',
    )
  ).trim();
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show', 'dev', bridge || 'docker0']);
  const address = /inet (\d+\.\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  assert.ok(address, `no IPv4 address on the bridge: ${stdout}`);
  return address;
}

/**
 * nginx on the host in front of the outpost container: docs/forward-auth/nginx.md as written, with the
 * standby's address added to its outpost upstream as docs/integrations/docker.md ("Token rotation") says:
 * the published port first, the standby's as backup, both without failure accounting so every request tries
 * the published port first. Every auth check is logged with the upstream that answered it.
 */
async function nginxConfig(port: number, backend: number, upstreamLog: string): Promise<string> {
  const config = fillSnippet(await docSnippet('forward-auth/nginx.md', 'nginx'), {
    'listen 80;': `listen 127.0.0.1:${port};`,
    'server_name app.example.com;': `server_name ${APP_HOST};`,
    'server outpost.internal:9000;': [
      `server 127.0.0.1:${HTTP_PORT} max_fails=0;`,
      `server 127.0.0.1:${STANDBY_PORT} backup max_fails=0;`,
    ].join('\n    '),
    'backend.internal:8080': `127.0.0.1:${backend}`,
  });
  return `
log_format upstreams '$status $upstream_addr';
access_log ${upstreamLog} upstreams;
log_subrequest on;
${config}`;
}

/** Requests the app through nginx from `workers` loops until stopped; counts what was not a 200 for alice. */
function loadLoop(port: number, cookie: string, workers: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const failures: string[] = [];
  let ok = 0;
  let running = true;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/load', agent, headers: { host: `${APP_HOST}:${port}`, cookie } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString();
            if (res.statusCode === 200 && body.includes('"x-authentik-username": "alice"')) ok++;
            else failures.push(`${res.statusCode}: ${body.slice(0, 120)}`);
            resolve();
          });
        },
      );
      req.on('error', (error) => {
        failures.push(error.message);
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: workers }, async () => {
    while (running) await once();
  });
  return {
    ok: () => ok,
    failures,
    /** Waits for `count` more answered requests (or a failure). */
    async more(count: number) {
      const target = ok + count;
      while (ok < target && failures.length === 0) await new Promise((r) => setTimeout(r, 20));
    },
    assertNoFailure() {
      assert.equal(
        failures.length,
        0,
        `${failures.length} of ${ok + failures.length} failed, first: ${failures.slice(0, 5).join(' | ')}`,
      );
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

describe(
  'the outpost image in a container answers forward auth for nginx on the host, and rolls onto a rotated token without a failed request',
  { skip },
  () => {
    let dockerd: TestDockerd;
    let proxy: SocketProxy;
    let d: DockerTestApp;
    let echo: EchoBackend;
    let nginx: Nginx;
    let dir: string;
    let outpost: string;
    let coreOrigin: string;
    let appUrl: string;
    const containerName = 'ak-outpost-rolling';
    const inspect = async (name: string) => JSON.parse(await dockerd.docker('inspect', name))[0] as Inspect;
    const tokenOf = (c: Inspect) =>
      c.Config.Env.find((e) => e.startsWith('AUTHENTIK_TOKEN='))?.slice('AUTHENTIK_TOKEN='.length) ?? '';
    const exists = async (name: string) =>
      (await dockerd.docker('ps', '-aq', '--filter', `name=^/${name}$`)).trim() !== '';
    const waitHealthy = async (name: string) => {
      for (let i = 0; i < 600 && (await inspect(name)).State.Health?.Status !== 'healthy'; i++)
        await new Promise((r) => setTimeout(r, 100));
    };
    const asOutpost = (token: string) =>
      d.t.app.inject({ url: '/api/v3/outposts/instances/', headers: { authorization: `Bearer ${token}` } });

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'pdk-roll-'));
      for (const port of [HTTP_PORT, HTTP_PORT + 443, STANDBY_PORT, STANDBY_PORT + 443])
        assert.ok(await isFree(port), `host port ${port} is in use: this test publishes the outpost's ports`);
      // The default bridge: the container reaches the core on the bridge's gateway, nginx the published port.
      dockerd = await startDockerd();
      await importOutpostImage(dockerd, IMAGE);
      const gateway = await bridgeAddress(dockerd);
      // One backend: the roll talks to Docker, not the database (the controller suite runs both).
      d = await createDockerTestApp(testBackends()[0] as TestBackend);
      // Outpost start-up (Node type-stripping the core's modules) takes seconds on two busy cores.
      d.integration.options.healthcheck = { Interval: 1e9, Retries: 30, StartPeriod: 30e9 };
      await d.t.app.listen({ host: gateway, port: 0 });
      coreOrigin = `http://${gateway}:${(d.t.app.server.address() as { port: number }).port}`;
      echo = await startEchoBackend();
      const nginxPort = await freePort();
      appUrl = `http://${APP_HOST}:${nginxPort}`;
      nginx = await startNginx(
        nginxPort,
        await nginxConfig(nginxPort, echo.port, join(dir, 'upstreams.log')),
      );

      const user = (await d.api.post('/api/v3/core/users/', { username: 'alice', name: 'Alice' })).json() as {
        pk: number;
      };
      await d.api.post(`/api/v3/core/users/${user.pk}/set_password/`, { password: 'alice-password-1' });
      const flows = (
        (await d.api.get('/api/v3/flows/instances/?page_size=100')).json() as {
          results: Array<{ slug: string; pk: string }>;
        }
      ).results;
      const flow = (slug: string) => flows.find((f) => f.slug === slug)?.pk;
      const provider = await d.api.post('/api/v3/providers/proxy/', {
        name: 'rolling',
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
        invalidation_flow: flow('default-invalidation-flow'),
        external_host: appUrl,
        mode: 'forward_single',
      });
      assert.equal(provider.statusCode, 201, provider.body);
      const providerPk = (provider.json() as { pk: number }).pk;
      const application = await d.api.post('/api/v3/core/applications/', {
        name: 'Rolling',
        slug: 'rolling',
        provider: providerPk,
      });
      assert.equal(application.statusCode, 201, application.body);
      // Through the filtering proxy: a roll needs no call beyond seed 001's (kill with a signal is Kill).
      proxy = await startSocketProxy(dockerd.socket);
      const connection = await createConnection(d.api, { name: 'test daemon', url: proxy.url });
      const mark = d.mark();
      const created = await d.api.post('/api/v3/outposts/instances/', {
        name: 'Rolling',
        type: 'proxy',
        providers: [providerPk],
        service_connection: connection,
        config: { authentik_host: `${coreOrigin}/`, container_image: IMAGE, docker_map_ports: true },
      });
      assert.equal(created.statusCode, 201, created.body);
      outpost = (created.json() as { pk: string }).pk;
      await d.settle(outpost, mark);
    });
    after(async () => {
      await nginx?.stop();
      await echo?.close();
      await d?.close();
      await proxy?.close();
      await dockerd?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    let cookie = '';

    it('connects back to the core and answers forward auth through nginx: sign-in redirect, then the identity', async () => {
      // Healthy means the outpost found its outpost with its token and fetched its providers (it listens only then).
      await waitHealthy(containerName);
      assert.equal(
        (await inspect(containerName)).State.Health?.Status,
        'healthy',
        await dockerd.logs(containerName),
      );
      const health = (await d.api.get(`/api/v3/outposts/instances/${outpost}/health/`)).json() as unknown[];
      assert.equal(health.length, 1, 'one instance of the outpost is connected over the websocket');

      const browser = new Browser(nginx.port, coreOrigin);
      const first = await browser.request(`${appUrl}/private`);
      assert.equal(first.status, 302, first.body);
      const start = new URL(first.location ?? '', appUrl);
      assert.equal(start.pathname, '/outpost.goauthentik.io/start');
      assert.equal(await browser.signIn(start.href, 'alice', 'alice-password-1'), `${appUrl}/private`);
      const page = await browser.request(`${appUrl}/private`);
      assert.equal(page.status, 200, page.body);
      assert.equal(JSON.parse(page.body).headers['x-authentik-username'], 'alice');
      cookie = browser.cookieHeader(appUrl);
    });

    it('rotates the token on request: the container rolls over, not one request fails, the old token stops working', async () => {
      assert.ok(cookie, 'signed in by the test before');
      const before = await inspect(containerName);
      const oldToken = tokenOf(before);
      assert.equal((await asOutpost(oldToken)).statusCode, 200);
      const load = loadLoop(nginx.port, cookie, 4);
      let servedDuringRoll: number;
      try {
        // Some traffic before the roll, so the loop is known to work.
        await load.more(20);

        const mark = d.mark();
        // A Palisade extension, not in the contract the API client checks answers against.
        const res = await d.t.app.inject({
          method: 'POST',
          url: `/api/v3/outposts/instances/${outpost}/rotate_token/`,
          headers: d.t.adminHeaders,
        });
        assert.equal(res.statusCode, 200, res.body);
        await d.settle(outpost, mark);
        servedDuringRoll = load.ok();
        // Traffic after the roll, on the new container alone.
        await load.more(20);
      } finally {
        await load.stop();
      }

      load.assertNoFailure();
      const messages = await d.messages(outpost);
      assert.ok(messages.includes('Rolled over to the new container.'), messages.join('\n'));
      const afterRoll = await inspect(containerName);
      assert.notEqual(afterRoll.Id, before.Id, 're-created');
      assert.equal(afterRoll.State.Health?.Status, 'healthy');
      const newToken = tokenOf(afterRoll);
      assert.notEqual(newToken, oldToken);
      assert.equal((await asOutpost(newToken)).statusCode, 200, 'the new token works');
      assert.equal((await asOutpost(oldToken)).statusCode, 403, 'the old token no longer works');
      assert.equal(await exists(`${containerName}-rollover`), false, 'the standby is gone');
      // The standby really answered while the old container stopped (nginx fell back to it).
      const upstreams = await readFile(join(dir, 'upstreams.log'), 'utf8');
      assert.match(upstreams, new RegExp(`:${STANDBY_PORT}\\b`));
      const count = (await d.t.db.query('SELECT 1 FROM outpost_token_rotations')).length;
      assert.equal(count, 0, 'the rotation is finished');
      const byStandby = upstreams.split('\n').filter((l) => l.includes(`:${STANDBY_PORT}`)).length;
      process.stdout.write(
        `# ${load.ok()} requests through nginx, ${servedDuringRoll} by the end of the roll, ${byStandby} auth checks answered by the standby, 0 failed\n`,
      );
    });

    it('finishes a roll that a failed run left with only its standby serving, still without a failed request', async () => {
      // Nothing reconciles behind the test's back: it makes the failed run's state itself.
      await d.integration.stop();
      const oldToken = tokenOf(await inspect(containerName));
      const load = loadLoop(nginx.port, cookie, 4);
      try {
        await load.more(20);
        const res = await d.t.app.inject({
          method: 'POST',
          url: `/api/v3/outposts/instances/${outpost}/rotate_token/`,
          headers: d.t.adminHeaders,
        });
        assert.equal(res.statusCode, 200, res.body);
        // What a run whose new container never turned healthy leaves: the standby alone, on the new token.
        const found = await findOutpost(d.t.db, outpost);
        assert.ok(found);
        const spec = await desiredContainer(d.t.ctx, found, d.integration.options);
        const standby = standbySpec(spec, d.t.ctx.config.outposts.docker_rollover_port_offset);
        const docker = new Docker({ socketPath: dockerd.socket });
        await (await docker.createContainer(createOptions(standby))).start();
        await waitHealthy(standby.name);
        await dockerd.docker('stop', containerName);
        await dockerd.docker('rm', containerName);
        assert.equal(await reconcileDockerOutpost(d.t.ctx, outpost, d.integration.options), true);
        await load.more(20);
      } finally {
        await load.stop();
      }
      load.assertNoFailure();
      const messages = await d.messages(outpost);
      assert.ok(
        messages.includes(
          `Standby container ${containerName}-rollover is still serving: finishing the roll.`,
        ),
        messages.join('\n'),
      );
      const now = await inspect(containerName);
      assert.equal(now.State.Health?.Status, 'healthy');
      assert.notEqual(tokenOf(now), oldToken);
      assert.equal((await asOutpost(oldToken)).statusCode, 403);
      assert.equal(await exists(`${containerName}-rollover`), false, 'the standby is gone');
      process.stdout.write(`# finishing an interrupted roll: ${load.ok()} requests, 0 failed\n`);
    });

    it('made no Docker call the socket proxy refuses', () => {
      assert.ok(
        proxy.calls.some((c) => c.path.endsWith('/kill')),
        'the rolls stopped containers',
      );
      assert.deepEqual(
        proxy.calls.filter((c) => !c.allowed),
        [],
      );
    });
  },
);
