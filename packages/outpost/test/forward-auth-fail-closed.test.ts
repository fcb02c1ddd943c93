import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import type { ProxyProviderConfig } from '../src/proxy/types.ts';
import { Browser, outpostRequest } from './support/browser.ts';
import { forwardAuthCheck, nginxCheck } from './support/forward-proxy.ts';
import { createProxyProvider, createUser, startCore, type TestCore } from './support/palisade-core.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';

const APP = 'http://shop.test';

describe('failing closed (real core)', () => {
  let core: TestCore;
  let config: ProxyProviderConfig;
  let outpost: TestOutpost;
  let signedIn: Browser;

  before(async () => {
    core = await startCore();
    await createUser(core, { username: 'alice', password: 'alice-password' });
    config = await createProxyProvider(core, { slug: 'shop', externalHost: APP, mode: 'forward_single' });
    outpost = await startOutpost([config]);
    signedIn = new Browser(outpost.port, core.origin);
    const first = await forwardAuthCheck(signedIn, `${APP}/`);
    await signedIn.signIn(first.location ?? '', 'alice', 'alice-password');
    assert.equal((await forwardAuthCheck(signedIn, `${APP}/`)).status, 200);
  });
  after(async () => {
    await outpost?.close();
    await core?.close();
  });

  const sessionCookie = () => signedIn.cookies.find((c) => c.name.startsWith('authentik_proxy_'));

  it('treats a tampered, truncated or foreign session cookie as no session, and clears it', async () => {
    const cookie = sessionCookie();
    assert.ok(cookie);
    const variants = [
      `${cookie.value.slice(0, 30)}${cookie.value[30] === 'A' ? 'B' : 'A'}${cookie.value.slice(31)}`,
      cookie.value.slice(0, -10),
      'garbage',
      '',
    ];
    for (const value of variants) {
      const header = `${cookie.name}=${value}`;
      const traefik = await outpostRequest(
        outpost.port,
        'http://outpost/outpost.goauthentik.io/auth/traefik',
        {
          headers: {
            'x-forwarded-proto': 'http',
            'x-forwarded-host': 'shop.test',
            'x-forwarded-uri': '/',
            cookie: header,
          },
        },
      );
      assert.equal(traefik.status, 302, `traefik with ${value.slice(0, 12)}`);
      // The bad cookie is replaced by a fresh signed-out session for the new sign-in.
      if (value !== '')
        assert.ok((traefik.headers['set-cookie'] ?? []).some((l) => l.startsWith(`${cookie.name}=`)));
      const nginx = await outpostRequest(outpost.port, `${APP}/outpost.goauthentik.io/auth/nginx`, {
        headers: { 'x-original-url': `${APP}/`, cookie: header },
      });
      assert.equal(nginx.status, 401);
      if (value !== '')
        assert.ok(
          (nginx.headers['set-cookie'] ?? []).some(
            (l) => l.startsWith(`${cookie.name}=;`) && /Max-Age=0/.test(l),
          ),
          'the bad cookie is deleted',
        );
    }
  });

  it('refuses a session cookie sealed for another provider even under the right name', async () => {
    const other = await createProxyProvider(core, {
      slug: 'other',
      externalHost: 'http://other.test',
      mode: 'forward_single',
    });
    const elsewhere = await startOutpost([
      { ...other, client_id: config.client_id, cookie_secret: 'Z'.repeat(32) },
    ]);
    try {
      const b = new Browser(elsewhere.port, core.origin);
      b.cookies.push(...signedIn.cookies);
      const res = await nginxCheck(b, `${APP}/`);
      assert.equal(res.status, 401);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses an unknown or forged state: no sign-in, a 401 page, the failure counted in the log', async () => {
    const b = new Browser(outpost.port, core.origin);
    const forged = await new SignJWT({ sid: 'x', redirect: 'https://evil.example/', state: 's' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(`goauthentik.io/outpost/${config.client_id}`)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-cookie-secret-0123456789'));
    for (const state of ['', 'unknown', forged]) {
      const res = await b.request(
        `${APP}/outpost.goauthentik.io/callback?X-authentik-auth-callback=true&code=abc&state=${state}`,
      );
      assert.equal(res.status, 401);
      assert.match(res.body, /Sign-in failed/);
      assert.ok(!res.body.includes('evil.example'));
      assert.ok(!(res.headers['set-cookie'] ?? []).some((l) => !/Max-Age=0/.test(l)), 'no session is set');
    }
    const failures = outpost.logs.filter(
      (l) => l.msg === 'sign-in failed' && (l.obj as { reason: string }).reason === 'invalid state',
    );
    assert.ok(failures.length >= 3);
    assert.ok((failures.at(-1)?.obj as { failures: number }).failures >= 3, 'the count grows');
  });

  it('does not sign in with a valid state but a code the core refuses; retries once, then shows a page', async () => {
    const b = new Browser(outpost.port, core.origin);
    const start = await b.request(
      `${APP}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${APP}/cart`)}`,
    );
    const state = new URL(start.location ?? '').searchParams.get('state') ?? '';
    const first = await b.request(
      `${APP}/outpost.goauthentik.io/callback?X-authentik-auth-callback=true&code=bogus&state=${state}`,
    );
    assert.equal(first.status, 302);
    const retry = new URL(first.location ?? '');
    assert.equal(retry.pathname, '/outpost.goauthentik.io/start');
    assert.equal(retry.searchParams.get('retry'), '1');
    assert.equal(retry.searchParams.get('rd'), `${APP}/cart`);
    const again = await b.request(retry.href);
    const retryState = new URL(again.location ?? '').searchParams.get('state') ?? '';
    const second = await b.request(
      `${APP}/outpost.goauthentik.io/callback?X-authentik-auth-callback=true&code=bogus&state=${retryState}`,
    );
    assert.equal(second.status, 401, 'no second automatic retry: no loop');
    assert.equal((await nginxCheck(b, `${APP}/cart`)).status, 401);
  });

  it('fails closed on an internal error: 401, never 200 or a pass', async () => {
    const broken = await startOutpost([
      {
        ...config,
        oidc_configuration: { ...config.oidc_configuration, authorization_endpoint: 'not a url' },
      },
    ]);
    try {
      const b = new Browser(broken.port, core.origin);
      const res = await forwardAuthCheck(b, `${APP}/`);
      assert.equal(res.status, 401);
      assert.ok(broken.logs.some((l) => l.msg === 'request failed closed'));
    } finally {
      await broken.close();
    }
  });

  it('never logs tokens, cookies or secrets', () => {
    const logged = JSON.stringify(outpost.logs);
    for (const cookie of signedIn.cookies)
      if (cookie.value.length > 8) assert.ok(!logged.includes(cookie.value), cookie.name);
    assert.ok(!logged.includes(config.client_secret));
    assert.ok(!logged.includes(config.cookie_secret));
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(logged), 'no JWT');
  });
});
