import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ProxyProviderConfig } from '../src/proxy/types.ts';
import { Browser, outpostRequest } from './support/browser.ts';
import {
  createAppPassword,
  createProxyProvider,
  createUser,
  startCore,
  type TestCore,
} from './support/palisade-core.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';

const API = 'http://api.test';
const APP_PASSWORD = 'bob-app-password-0123456789abcdef';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('proxy mode and header sign-in (real core)', () => {
  let core: TestCore;
  let config: ProxyProviderConfig;
  let outpost: TestOutpost;
  const coreCalls: string[] = [];

  before(async () => {
    core = await startCore();
    await createUser(core, { username: 'alice', password: 'alice-password' });
    const bob = await createUser(core, {
      username: 'bob',
      password: 'bob-password',
      attributes: { backend_user: 'foo', backend_pass: 'bar' },
    });
    await createAppPassword(core, bob, APP_PASSWORD);
    config = await createProxyProvider(core, {
      slug: 'api',
      externalHost: API,
      mode: 'proxy',
      skipPathRegex: '^/health$',
      basicAuth: { user: 'backend_user', password: 'backend_pass' },
    });
    outpost = await startOutpost([config], {
      coreFetch: (url, init) => {
        coreCalls.push(url);
        return fetch(url, init);
      },
    });
  });
  after(async () => {
    await outpost?.close();
    await core?.close();
  });

  const tokenFor = async (clientId: string, username: string, password: string) => {
    const res = await fetch(config.oidc_configuration.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        username,
        password,
        scope: 'openid profile email ak_proxy',
      }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  it('sends a browser without a session to start, keeping the path and the query', async () => {
    const res = await outpostRequest(outpost.port, `${API}/dash?x=1&y=2`);
    assert.equal(res.status, 302);
    assert.equal(
      res.location,
      `${API}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${API}/dash?x=1&y=2`)}`,
    );
  });

  it('passes unauthenticated paths upstream without identity, and hands over the canonical path', async () => {
    const open = await outpostRequest(outpost.port, `${API}/health`);
    assert.equal(open.status, 200);
    assert.deepEqual(JSON.parse(open.body), {
      url: '/health',
      sub: null,
      identityHeaders: {},
      consumedAuthorization: false,
    });
    assert.equal((await outpostRequest(outpost.port, `${API}/health/../admin`)).status, 302);
    assert.equal((await outpostRequest(outpost.port, `${API}/admin?/health`)).status, 302);
    const b = new Browser(outpost.port, core.origin);
    const first = await b.request(`${API}/a/../b//c?q=%2F`);
    await b.signIn(first.location ?? '', 'alice', 'alice-password');
    const res = await b.request(`${API}/a/../b//c?q=%2F`);
    assert.equal(JSON.parse(res.body).url, '/b/c?q=%2F');
    const call = outpost.upstreamCalls.at(-1);
    assert.ok(
      call?.upstream.sessionCookieNames.some((name) => b.cookieHeader(`${API}/`).includes(`${name}=`)),
    );
  });

  it('signs in with Basic (user + app password): upstream identity, Basic injection, a session cookie, 60 s cache', async () => {
    const header = basic('bob', APP_PASSWORD);
    const before = coreCalls.length;
    const res = await outpostRequest(outpost.port, `${API}/api/items`, {
      headers: { authorization: header },
    });
    assert.equal(res.status, 200);
    const seen = JSON.parse(res.body) as {
      identityHeaders: Record<string, string>;
      consumedAuthorization: boolean;
    };
    assert.equal(seen.identityHeaders['X-Authentik-Username'], 'bob');
    assert.equal(seen.identityHeaders.Authorization, 'Basic Zm9vOmJhcg==');
    assert.equal(seen.consumedAuthorization, true);
    assert.ok((res.headers['set-cookie'] ?? []).some((l) => l.startsWith('authentik_proxy_')));
    const calls = coreCalls.length - before;
    assert.ok(calls >= 1);
    const again = await outpostRequest(outpost.port, `${API}/api/items`, {
      headers: { authorization: header },
    });
    assert.equal(again.status, 200);
    assert.equal(coreCalls.length - before, calls, 'the second request is answered from the cache');
  });

  it('signs in with a Bearer token of this provider (and as goauthentik.io/token), but not one of another client', async () => {
    const token = await tokenFor(config.client_id, 'bob', APP_PASSWORD);
    for (const authorization of [`Bearer ${token}`, basic('goauthentik.io/token', token)]) {
      const res = await outpostRequest(outpost.port, `${API}/api/me`, { headers: { authorization } });
      assert.equal(res.status, 200, authorization.slice(0, 12));
      assert.equal(JSON.parse(res.body).sub !== null, true);
    }
    const other = await createProxyProvider(core, {
      slug: 'elsewhere',
      externalHost: 'http://elsewhere.test',
      mode: 'proxy',
    });
    const foreign = await tokenFor(other.client_id, 'bob', APP_PASSWORD);
    const refused = await outpostRequest(outpost.port, `${API}/api/me`, {
      headers: { authorization: `Bearer ${foreign}` },
    });
    assert.equal(refused.status, 401);
  });

  it('answers a failed header sign-in with the 401 page when intercept_header_auth is on, else redirects', async () => {
    const res = await outpostRequest(outpost.port, `${API}/api/items`, {
      headers: { authorization: basic('bob', 'wrong') },
    });
    assert.equal(res.status, 401);
    assert.match(res.headers['content-type'] ?? '', /text\/html/);
    assert.match(res.body, /<title>Unauthenticated<\/title>/);
    assert.match(res.body, /Receive header authentication/);
    const lenient = await startOutpost([{ ...config, intercept_header_auth: false }]);
    try {
      const redirected = await outpostRequest(lenient.port, `${API}/api/items`, {
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(redirected.status, 302);
    } finally {
      await lenient.close();
    }
  });

  it('passes an upgrade upstream only for a signed-in browser', async () => {
    const raw = (headers: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(outpost.port, '127.0.0.1', () =>
          socket.write(
            `GET /ws HTTP/1.1\r\nHost: api.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${headers}\r\n`,
          ),
        );
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString()));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
    assert.match(
      await raw(''),
      /^HTTP\/1\.1 302 Found\r\n[\s\S]*Location: http:\/\/api\.test\/outpost\.goauthentik\.io\/start/,
    );
    const upgraded = await raw(`Authorization: ${basic('bob', APP_PASSWORD)}\r\n`);
    assert.match(upgraded, /^HTTP\/1\.1 101/);
    assert.equal(outpost.upstreamCalls.at(-1)?.upstream.claims?.preferred_username, 'bob');
  });
});
