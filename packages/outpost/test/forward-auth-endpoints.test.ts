import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IDENTITY_HEADER_NAMES } from '../src/proxy/auth/identity-headers.ts';
import { Browser, outpostRequest } from './support/browser.ts';
import { envoyCheck, forwardAuthCheck, nginxCheck } from './support/forward-proxy.ts';
import { createProxyProvider, createUser, startCore, type TestCore } from './support/palisade-core.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';

const WIKI = 'http://wiki.test';

describe('forward-auth endpoints (real core)', () => {
  let core: TestCore;
  let outpost: TestOutpost;

  before(async () => {
    core = await startCore();
    await createUser(core, { username: 'alice', password: 'alice-password', groups: ['staff'] });
    const single = await createProxyProvider(core, {
      slug: 'wiki',
      externalHost: WIKI,
      mode: 'forward_single',
      skipPathRegex: '^/public(/|$)',
    });
    const domain = await createProxyProvider(core, {
      slug: 'corp',
      externalHost: 'http://auth.corp.test',
      mode: 'forward_domain',
      cookieDomain: 'corp.test',
    });
    outpost = await startOutpost([single, domain]);
  });
  after(async () => {
    await outpost?.close();
    await core?.close();
  });

  const browser = () => new Browser(outpost.port, core.origin);
  const lower = (name: string) => name.toLowerCase();

  it('Traefik: 302 straight to the authorize URL, then 200 with the identity headers after sign-in', async () => {
    const b = browser();
    const first = await forwardAuthCheck(b, `${WIKI}/app?x=1`);
    assert.equal(first.status, 302);
    const authorize = new URL(first.location ?? '');
    assert.equal(authorize.origin, core.origin);
    assert.equal(
      authorize.searchParams.get('redirect_uri'),
      `${WIKI}/outpost.goauthentik.io/callback?X-authentik-auth-callback=true`,
    );
    assert.equal(authorize.searchParams.get('client_id'), 'proxy-wiki');
    assert.equal(authorize.searchParams.get('response_type'), 'code');
    assert.equal(await b.signIn(authorize.href, 'alice', 'alice-password'), `${WIKI}/app?x=1`);
    const ok = await forwardAuthCheck(b, `${WIKI}/app?x=1`, {
      headers: {
        'user-agent': 'test-agent/1',
        'x-authentik-username': 'mallory',
        x_authentik_username: 'mallory',
        'X-Authentik_groups': 'admins',
      },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['x-authentik-username'], 'alice');
    assert.equal(ok.headers['x-authentik-groups'], 'staff');
    assert.equal(ok.headers['user-agent'], 'test-agent/1');
    assert.ok(!Object.keys(ok.headers).some((name) => name.includes('_')), 'no underscore header comes back');
    assert.ok(!JSON.stringify(ok.headers).includes('mallory'));
    // The raw header names are Go's canonical spelling (Caddy's copy_headers matches them exactly).
    const raw = await forwardAuthCheck(b, `${WIKI}/app`, { endpoint: 'caddy' });
    assert.equal(raw.status, 200);
    for (const name of IDENTITY_HEADER_NAMES) assert.ok(lower(name) in raw.headers, name);
  });

  it('Traefik: a callback signature inside the forward URL signs in, a logout signature signs out', async () => {
    const b = browser();
    const first = await forwardAuthCheck(b, `${WIKI}/deep/page`);
    const step = await b.follow(first.location ?? '', {}, (next) =>
      next.search.includes('X-authentik-auth-callback'),
    );
    let callback = step.next;
    if (!callback) {
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(step.res.body)?.[1] ?? '';
      const posted = await b.follow(
        step.res.url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            csrf_token: csrf,
            uid_field: 'alice',
            password: 'alice-password',
          }).toString(),
        },
        (next) => next.search.includes('X-authentik-auth-callback'),
      );
      callback = posted.next;
    }
    assert.ok(callback);
    const signedIn = await forwardAuthCheck(b, callback);
    assert.equal(signedIn.status, 302);
    assert.equal(signedIn.location, `${WIKI}/deep/page`);
    assert.equal((await forwardAuthCheck(b, `${WIKI}/deep/page`)).status, 200);
    const out = await forwardAuthCheck(b, `${WIKI}/x?X-authentik-logout=true`);
    assert.equal(out.status, 302);
    assert.match(out.location ?? '', /end-session\/\?client_id=proxy-wiki$/);
    assert.equal((await forwardAuthCheck(b, `${WIKI}/deep/page`)).status, 302, 'signed out');
  });

  it('nginx: an empty 401 and never a redirect; 200 with headers after signing in through start', async () => {
    const b = browser();
    const denied = await nginxCheck(b, `${WIKI}/admin`);
    assert.equal(denied.status, 401);
    assert.equal(denied.body, '', 'an empty 401: nginx keeps its upstream connection');
    assert.equal(denied.location, undefined);
    const start = `${WIKI}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${WIKI}/admin`)}`;
    assert.equal(await b.signIn(start, 'alice', 'alice-password'), `${WIKI}/admin`);
    const ok = await nginxCheck(b, `${WIKI}/admin`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['x-authentik-username'], 'alice');
    // X-Original-URI is compared with X-Original-URL, never used on its own (issue 13, finding 1).
    assert.equal((await nginxCheck(b, `${WIKI}/admin`, { 'x-original-uri': '/admin' })).status, 200);
    assert.equal((await nginxCheck(b, `${WIKI}/admin`, { 'x-original-uri': '/admin?y=2' })).status, 401);
  });

  it('Envoy: the original path follows the prefix; 302 into sign-in, then 200', async () => {
    const b = browser();
    const first = await envoyCheck(b, `${WIKI}/envoy/page?q=1`);
    assert.equal(first.status, 302);
    assert.equal(await b.signIn(first.location ?? '', 'alice', 'alice-password'), `${WIKI}/envoy/page?q=1`);
    const ok = await envoyCheck(b, `${WIKI}/envoy/page?q=1`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['x-authentik-username'], 'alice');
  });

  it('lets unauthenticated paths through with every identity header empty, and only canonical paths', async () => {
    const b = browser();
    const open = await forwardAuthCheck(b, `${WIKI}/public/logo.png`, {
      headers: { 'x-authentik-username': 'mallory' },
    });
    assert.equal(open.status, 200);
    for (const name of IDENTITY_HEADER_NAMES) assert.equal(open.headers[lower(name)], '', name);
    assert.equal((await nginxCheck(b, `${WIKI}/public/x`)).status, 200);
    for (const sneaky of [
      '/private?/public/',
      '/public/../admin',
      '/public/..%2Fadmin',
      '/public%2F..%2Fadmin',
      '/x/public/',
    ])
      assert.equal((await nginxCheck(b, `${WIKI}${sneaky}`)).status, 401, sneaky);
    assert.equal((await nginxCheck(b, `${WIKI}//public//x`)).status, 200, 'doubled slashes collapse');
  });

  it('domain mode: the cookie covers the domain, the callback lands on the auth host, the app host is served', async () => {
    const b = browser();
    const first = await forwardAuthCheck(b, 'http://grafana.corp.test/dash');
    assert.equal(first.status, 302);
    assert.ok((first.headers['set-cookie'] ?? []).some((line) => /Domain=corp\.test/.test(line)));
    const authorize = new URL(first.location ?? '');
    assert.equal(
      authorize.searchParams.get('redirect_uri'),
      'http://auth.corp.test/outpost.goauthentik.io/callback?X-authentik-auth-callback=true',
    );
    assert.equal(await b.signIn(authorize.href, 'alice', 'alice-password'), 'http://grafana.corp.test/dash');
    assert.equal((await forwardAuthCheck(b, 'http://grafana.corp.test/dash')).status, 200);
    assert.equal((await forwardAuthCheck(b, 'http://other.corp.test/')).status, 200);
    const offDomain = await forwardAuthCheck(b, 'http://evilcorp.test/');
    assert.equal(offDomain.status, 400, 'no label boundary, no application');
    assert.equal(JSON.parse(offDomain.body).Message, 'no app for hostname');
  });

  it('answers 500 `configuration error` and tells the core when the forward URL is missing, without credentials', async () => {
    const res = await outpostRequest(outpost.port, `${WIKI}/outpost.goauthentik.io/auth/nginx`, {
      headers: { cookie: 'secret-cookie=1', authorization: 'Bearer secret-token' },
    });
    assert.equal(res.status, 500);
    assert.equal(res.body, 'configuration error');
    const event = outpost.events.at(-1) as {
      action: string;
      context: { message: string; headers: Record<string, string> };
    };
    assert.equal(event.action, 'configuration_error');
    assert.match(event.context.message, /failed to detect a forward URL from nginx/);
    assert.ok(!JSON.stringify(event).includes('secret'), 'no cookie or token in the event');
    const traefik = await outpostRequest(
      outpost.port,
      'http://outpost.internal/outpost.goauthentik.io/auth/traefik',
      {
        headers: { 'x-forwarded-host': WIKI.slice(7) },
      },
    );
    assert.equal(traefik.status, 500);
  });

  it('answers 404 for unknown paths in forward modes, 204 for ping', async () => {
    assert.equal((await outpostRequest(outpost.port, `${WIKI}/something`)).status, 404);
    assert.equal((await outpostRequest(outpost.port, `${WIKI}/outpost.goauthentik.io/nope`)).status, 404);
    assert.equal(
      (await outpostRequest(outpost.port, 'http://anything.invalid/outpost.goauthentik.io/ping')).status,
      204,
    );
  });
});
