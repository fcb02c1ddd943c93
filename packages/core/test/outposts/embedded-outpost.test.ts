import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';
import { flowPks } from '../support/flows.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { findUserByUsername } from '../../src/identity/users-repository.ts';
import { queryOne } from '../../src/db/database.ts';

/** A request to the core's port with any Host header (fetch may not set one). */
function get(port: number, host: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the embedded outpost, served on the core port by the outpost code itself', () => {
  let server: RunningServer;
  let port = 0;
  let core = '';
  const token = 'embedded-test-admin-token-0123456789';

  before(async () => {
    server = await startServer(
      testConfig({
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent',
      }),
    );
    port = (server.app.server.address() as { port: number }).port;
    core = `127.0.0.1:${port}`;
    const admin = await findUserByUsername(server.ctx.db, 'akadmin');
    await insertToken(server.ctx.db, server.ctx.box, {
      identifier: 'embedded-admin',
      intent: 'api',
      userId: admin?.id ?? 0,
      key: token,
      expiring: false,
    });
    const api = apiClient(server.app, { authorization: `Bearer ${token}` });
    const flows = await flowPks(api);
    const provider = async (name: string, body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/providers/proxy/', {
        name,
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        invalidation_flow: flows['default-invalidation-flow'],
        ...body,
      });
      assert.equal(res.statusCode, 201, res.body);
      const pk = (res.json() as { pk: number }).pk;
      assert.equal(
        (await api.post('/api/v3/core/applications/', { name, slug: name, provider: pk })).statusCode,
        201,
      );
      return pk;
    };
    const wiki = await provider('wiki', {
      mode: 'proxy',
      external_host: `http://wiki.example.test:${port}`,
      internal_host: 'http://127.0.0.1:9',
    });
    const hello = await provider('hello', {
      mode: 'forward_single',
      external_host: `http://hello.example.test:${port}`,
    });
    const embedded = await queryOne<{ uuid: string }>(
      server.ctx.db,
      "SELECT uuid FROM outposts WHERE managed = 'goauthentik.io/outposts/embedded'",
    );
    const res = await api.patch(`/api/v3/outposts/instances/${embedded?.uuid}/`, {
      providers: [wiki, hello],
    });
    assert.equal(res.statusCode, 200, res.body);
    // The change reaches the embedded outpost as it reaches any outpost: TRIGGER_UPDATE over its websocket.
    const deadline = Date.now() + 10_000;
    while (server.app.embeddedOutpost.running && Date.now() < deadline) {
      // The core answers 404 here; the outpost, once it serves wiki, sends the visitor to sign in.
      if ((await get(port, `wiki.example.test:${port}`, '/pages/')).status === 302) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(() => server?.close());

  it('runs from the start, and answers its ping on any host', async () => {
    assert.equal(server.app.embeddedOutpost.running, true);
    assert.equal((await get(port, core, '/outpost.goauthentik.io/ping')).status, 204);
  });

  it("sends a proxy-mode application's visitors to sign in, and leaves the core's host to the core", async () => {
    const res = await get(port, `wiki.example.test:${port}`, '/pages/start?x=1');
    assert.equal(res.status, 302, res.body);
    const location = new URL(String(res.headers.location));
    assert.equal(location.host, `wiki.example.test:${port}`);
    assert.equal(location.pathname, '/outpost.goauthentik.io/start');
    assert.equal(location.searchParams.get('rd'), `http://wiki.example.test:${port}/pages/start?x=1`);
    assert.equal((await get(port, core, '/-/health/live/')).status, 204);
    assert.equal((await get(port, core, '/api/v3/root/config/')).status, 200);
  });

  it('answers forward auth for its forward-mode applications on the core port', async () => {
    const res = await get(port, core, '/outpost.goauthentik.io/auth/nginx', {
      'x-original-url': `http://hello.example.test:${port}/dash`,
    });
    assert.equal(res.status, 401);
    assert.equal(res.body, '', 'an empty 401: nginx keeps its upstream connection');
    const start = await get(port, `hello.example.test:${port}`, '/outpost.goauthentik.io/start?rd=/dash');
    assert.equal(start.status, 302);
    assert.match(String(start.headers.location), /\/application\/o\/authorize\/\?client_id=/);
  });

  it('appears in its own health, as any outpost instance does', async () => {
    const embedded = await queryOne<{ uuid: string }>(
      server.ctx.db,
      "SELECT uuid FROM outposts WHERE managed = 'goauthentik.io/outposts/embedded'",
    );
    const res = await server.app.inject({
      url: `/api/v3/outposts/instances/${embedded?.uuid}/health/`,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal((res.json() as unknown[]).length, 1, res.body);
  });
});
