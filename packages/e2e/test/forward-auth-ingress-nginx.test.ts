import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../src/browser.ts';
import { type EchoBackend, startEchoBackend } from '../src/echo-backend.ts';
import { type ForwardAuthStack, startForwardAuthStack } from '../src/forward-auth-stack.ts';
import { type Nginx, startNginx } from '../src/nginx.ts';
import { type OutpostProcess, startOutpostProcess } from '../src/outpost-process.ts';
import { ingressAnnotations, ingressServer } from '../src/ingress-nginx-render.ts';
import { freePort } from '../src/server-process.ts';
import { echoedHeaders, signInAtCore } from '../src/sign-in-page.ts';

const SINGLE = 'hello.example.test';
const AUTH = 'auth.corp.test';
const APP1 = 'app1.corp.test';
const APP2 = 'app2.corp.test';

describe('ingress-nginx as seed 002 configures it, two outpost replicas, single and domain mode, in Chromium', () => {
  let stack: ForwardAuthStack;
  const replicas: OutpostProcess[] = [];
  let nginx: Nginx;
  let echo: EchoBackend;
  let browser: Browser;
  let port = 0;
  const url = (host: string, path: string) => `http://${host}:${port}${path}`;

  before(async () => {
    echo = await startEchoBackend();
    port = await freePort();
    stack = await startForwardAuthStack({
      users: [{ username: 'fay', password: 'fay-password-12', groups: ['admins'] }],
      apps: [
        { slug: 'hello', externalHost: url(SINGLE, ''), mode: 'forward_single' },
        { slug: 'corp', externalHost: url(AUTH, ''), mode: 'forward_domain', cookieDomain: 'corp.test' },
      ],
    });
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startOutpostProcess({
          coreUrl: stack.core.url,
          token: stack.outpostToken,
          readyHost: `${SINGLE}:${port}`,
        }),
      );
    }
    const backend = `http://127.0.0.1:${echo.port}`;
    // docs/forward-auth/ingress-nginx.md's annotations as ingress-nginx renders them; domain mode signs in
    // on the auth host with an absolute rd, as that page's snippet for a domain says.
    const annotations = await ingressAnnotations();
    const server = (host: string, signin?: string) =>
      ingressServer({
        host,
        port,
        annotations,
        origin: url(host, ''),
        signin,
        upstream: 'outposts',
        backend,
      });
    const domainSignin = `${url(AUTH, '')}/outpost.goauthentik.io/start?rd=$scheme://$http_host$escaped_request_uri`;
    const http = `
  upstream outposts {
    server 127.0.0.1:${replicas[0]?.port};
    server 127.0.0.1:${replicas[1]?.port};
  }
  ${server(SINGLE)}
  ${server(APP1, domainSignin)}
  ${server(APP2, domainSignin)}
  ${server(AUTH, `${url(AUTH, '')}/outpost.goauthentik.io/start`)}`;
    nginx = await startNginx(port, http);
    browser = await launchChromium({ loopbackHosts: [SINGLE, AUTH, APP1, APP2] });
  });
  after(async () => {
    await browser?.close();
    await nginx?.stop();
    for (const replica of replicas) await replica.stop();
    await stack?.close();
    await echo?.close();
  });

  async function signedIn(host: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url(host, path));
    await signInAtCore(page, 'fay', 'fay-password-12');
    await page.waitForURL(url(host, path));
    return { context, page };
  }

  it('signs in and keeps the session while requests alternate between the two replicas', async () => {
    const { context, page } = await signedIn(SINGLE, '/start/here?a=1&b=2');
    for (let i = 0; i < 6; i++) {
      await page.goto(url(SINGLE, `/page/${i}`));
      assert.equal(new URL(page.url()).pathname, `/page/${i}`, `request ${i} stayed signed in`);
      assert.equal((await echoedHeaders(page))['x-authentik-username'], 'fay');
    }
    await context.close();
  });

  it('domain mode: one sign-in on the auth host covers every host under the cookie domain', async () => {
    const { context, page } = await signedIn(APP1, '/one?x=1');
    assert.equal((await echoedHeaders(page))['x-authentik-username'], 'fay');
    await page.goto(url(APP2, '/two'));
    assert.equal(page.url(), url(APP2, '/two'), 'no second sign-in');
    assert.equal((await echoedHeaders(page))['x-authentik-groups'], 'admins');
    const cookies = await context.cookies();
    assert.ok(
      cookies.some(
        (c) => c.name.startsWith('authentik_proxy_') && c.domain.replace(/^\./, '') === 'corp.test',
      ),
    );
    await context.close();
  });

  it('signs the user out of every replica within a second when the core session ends', async () => {
    const { context, page } = await signedIn(SINGLE, '/before');
    await page.goto(`${stack.core.url}/if/flow/default-invalidation-flow/`);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    const ended = Date.now();
    // Both replicas must refuse the session: several requests, so nginx sends them to each.
    for (let i = 0; i < 4; i++) {
      await page.goto(url(SINGLE, `/after/${i}`));
      assert.match(
        page.url(),
        /\/if\/flow\/default-authentication-flow\//,
        `request ${i} after the sign-out`,
      );
    }
    assert.ok(Date.now() - ended < 5000);
    await context.close();
  });

  it('keeps serving a signed-in user while the core is down', async () => {
    const { context, page } = await signedIn(SINGLE, '/while-up');
    await stack.core.stop();
    for (let i = 0; i < 4; i++) {
      await page.goto(url(SINGLE, `/while-down/${i}`));
      assert.equal(new URL(page.url()).pathname, `/while-down/${i}`);
      assert.equal((await echoedHeaders(page))['x-authentik-username'], 'fay');
    }
    await context.close();
  });
});
