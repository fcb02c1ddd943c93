/**
 * An expired outpost session, behind real nginx (docs/forward-auth/nginx.md as written), in Chromium. The
 * provider's access_token_validity is a few seconds: that is the token's lifetime, the session's (the outpost
 * refuses a token past `exp`) and the cookie's Max-Age. What follows expiry depends on the core session:
 * while it lives, the outpost's trip through the authorize endpoint comes straight back through the
 * callback with a new session (no password asked); once it has ended too, the user signs in again. Either
 * way the browser lands on the URL it asked for, query string included.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Cookie, Page } from 'playwright-core';
import { type NginxForwardAuth, startNginxForwardAuth } from '../src/nginx-forward-auth.ts';
import { echoedHeaders, signInAtCore } from '../src/sign-in-page.ts';

const HOST = 'expiry.example.test';
const VALIDITY_SECONDS = 6;
const SIGN_IN_FORM = '/if/flow/default-authentication-flow/';
const CALLBACK = '/outpost.goauthentik.io/callback';

/** The pages the app received since `from` (Chromium's own /favicon.ico requests left out: they race). */
const pagesSince = (setup: NginxForwardAuth, from: number): string[] =>
  setup.echo.received
    .slice(from)
    .map((r) => r.url)
    .filter((url) => url !== '/favicon.ico');

/** One request to 127.0.0.1:`port` with `host` as Host; answers status and Location. */
function send(port: number, host: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; location?: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('an expired forward-auth session, through real nginx, in Chromium', () => {
  let setup: NginxForwardAuth;
  let appUrl = '';

  before(async () => {
    setup = await startNginxForwardAuth({
      host: HOST,
      users: [{ username: 'alice', password: 'alice-password-1', name: 'Alice' }],
      app: { slug: 'expiry', accessTokenValidity: `seconds=${VALIDITY_SECONDS}` },
    });
    appUrl = setup.appUrl;
  });
  after(() => setup?.close());

  const sessionCookie = async (context: BrowserContext): Promise<Cookie | undefined> =>
    (await context.cookies(appUrl)).find((c) => /^authentik_proxy_[0-9a-f]{8}$/.test(c.name));

  /** Waits until the browser has dropped `cookie` (Chromium removes it at its expiry). */
  async function untilExpired(context: BrowserContext, cookie: Cookie): Promise<void> {
    const deadline = Date.now() + (VALIDITY_SECONDS + 10) * 1000;
    while ((await sessionCookie(context))?.value === cookie.value) {
      assert.ok(Date.now() < deadline, 'the session cookie expired');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The navigations `page` makes from now on. */
  function navigations(page: Page): string[] {
    const urls: string[] = [];
    page.on('request', (req) => {
      if (req.isNavigationRequest()) urls.push(req.url());
    });
    return urls;
  }

  /** Signs in from `path` and answers the session cookie the outpost set. */
  async function signedIn(context: BrowserContext, page: Page, path: string): Promise<Cookie> {
    await page.goto(`${appUrl}${path}`);
    await signInAtCore(page, 'alice', 'alice-password-1');
    await page.waitForURL(`${appUrl}${path}`);
    assert.equal((await echoedHeaders(page))['x-authentik-username'], 'alice');
    const cookie = await sessionCookie(context);
    assert.ok(cookie, 'the outpost set its session cookie');
    // The cookie lives as long as the token: access_token_validity (+1 s for rounding).
    assert.ok(
      cookie.expires * 1000 - Date.now() <= (VALIDITY_SECONDS + 1) * 1000,
      `expires ${cookie.expires}`,
    );
    return cookie;
  }

  it('renews an expired session through the core without a password while the core session lives', async () => {
    const context = await setup.browser.newContext();
    const page = await context.newPage();
    const expired = await signedIn(context, page, '/first?n=1');
    const stale = { cookie: `${expired.name}=${expired.value}` };
    const askOutpost = () =>
      send(setup.outpost.port, HOST, '/outpost.goauthentik.io/auth/nginx', {
        ...stale,
        'x-original-url': `${appUrl}/stale?q=1`,
      });
    assert.equal((await askOutpost()).status, 200, 'the cookie signs in before it expires');
    await untilExpired(context, expired);

    const visited = navigations(page);
    const received = setup.echo.received.length;
    await page.goto(`${appUrl}/later?step=2&x=y`);
    await page.waitForURL(`${appUrl}/later?step=2&x=y`);
    assert.ok(
      visited.some((url) => url.startsWith(`${appUrl}${CALLBACK}`)),
      `re-authorized: ${visited.join(' ')}`,
    );
    assert.ok(!visited.some((url) => url.includes(SIGN_IN_FORM)), 'no password asked');
    const renewed = await sessionCookie(context);
    assert.ok(renewed && renewed.value !== expired.value, 'a new session cookie');
    assert.equal((await echoedHeaders(page))['x-authentik-username'], 'alice');
    // The app saw /later once, after the callback, not while the session was expired.
    assert.deepEqual(pagesSince(setup, received), ['/later?step=2&x=y']);

    // The expired cookie itself, from a client that ignores Max-Age: the outpost refuses it, nginx sends the
    // client to sign in, and nothing reaches the app.
    const before = setup.echo.received.length;
    assert.equal((await askOutpost()).status, 401);
    const viaNginx = await send(setup.nginx.port, HOST, '/stale?q=1', stale);
    assert.equal(viaNginx.status, 302);
    assert.match(viaNginx.location ?? '', /\/outpost\.goauthentik\.io\/start\?rd=/);
    assert.equal(setup.echo.received.length, before);
    await context.close();
  });

  it('asks for the password again when the core session has ended too, then lands on the original URL', async () => {
    const context = await setup.browser.newContext();
    const page = await context.newPage();
    const expired = await signedIn(context, page, '/c?first=1');
    await untilExpired(context, expired);
    // Sign out of the core on its own sign-out page.
    await page.goto(`${setup.stack.core.url}/if/flow/default-invalidation-flow/`);
    await Promise.all([page.waitForURL(new RegExp(SIGN_IN_FORM)), page.click('button[type=submit]')]);

    const visited = navigations(page);
    const received = setup.echo.received.length;
    await page.goto(`${appUrl}/after?again=1&z=2`);
    await signInAtCore(page, 'alice', 'alice-password-1');
    await page.waitForURL(`${appUrl}/after?again=1&z=2`);
    assert.ok(visited.some((url) => url.includes(SIGN_IN_FORM)));
    assert.ok(visited.some((url) => url.startsWith(`${appUrl}${CALLBACK}`)));
    assert.equal((await echoedHeaders(page))['x-authentik-username'], 'alice');
    assert.deepEqual(pagesSince(setup, received), ['/after?again=1&z=2']);
    await context.close();
  });
});
