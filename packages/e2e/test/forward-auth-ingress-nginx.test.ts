import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../src/browser.ts';
import { type EchoBackend, startEchoBackend } from '../src/echo-backend.ts';
import { type ForwardAuthStack, startForwardAuthStack } from '../src/forward-auth-stack.ts';
import { type Nginx, startNginx } from '../src/nginx.ts';
import { type OutpostProcess, startOutpostProcess } from '../src/outpost-process.ts';
import { freePort } from '../src/server-process.ts';
import { echoedHeaders, signInAtCore } from '../src/sign-in-page.ts';

const SINGLE = 'hello.example.test';
const AUTH = 'auth.corp.test';
const APP1 = 'app1.corp.test';
const APP2 = 'app2.corp.test';

/**
 * What ingress-nginx renders for seed 002's annotations (its template for auth-url, auth-signin,
 * auth-response-headers and auth-snippet), with the Ingress the Kubernetes integration adds for
 * /outpost.goauthentik.io. One difference: Debian's nginx has no set_escape_uri, so $escaped_request_uri is
 * the raw $request_uri here — the outpost puts a query split by an unescaped rd back together.
 */
function ingressServer(host: string, port: number, signin: string, backend: string): string {
  const id = host.replace(/\W/g, '_');
  return `
server {
  listen 127.0.0.1:${port};
  server_name ${host};
  proxy_buffers 8 16k;
  proxy_buffer_size 32k;

  location = /_external-auth-${id} {
    internal;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Forwarded-Proto "";
    proxy_set_header Host ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local;
    proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
    proxy_set_header X-Original-Method $request_method;
    proxy_set_header X-Sent-From "nginx-ingress-controller";
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Auth-Request-Redirect $request_uri;
    # nginx.ingress.kubernetes.io/auth-snippet
    proxy_set_header X-Forwarded-Host $http_host;
    proxy_pass http://outposts/outpost.goauthentik.io/auth/nginx;
  }

  location @${id}_signin {
    internal;
    add_header Set-Cookie $auth_cookie;
    return 302 ${signin};
  }

  location /outpost.goauthentik.io {
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_pass http://outposts;
  }

  location / {
    set $escaped_request_uri $request_uri;
    auth_request /_external-auth-${id};
    auth_request_set $auth_cookie $upstream_http_set_cookie;
    add_header Set-Cookie $auth_cookie;
    auth_request_set $authHeader1 $upstream_http_x_authentik_username;
    proxy_set_header 'X-authentik-username' $authHeader1;
    auth_request_set $authHeader2 $upstream_http_x_authentik_groups;
    proxy_set_header 'X-authentik-groups' $authHeader2;
    auth_request_set $authHeader3 $upstream_http_x_authentik_email;
    proxy_set_header 'X-authentik-email' $authHeader3;
    auth_request_set $authHeader4 $upstream_http_x_authentik_name;
    proxy_set_header 'X-authentik-name' $authHeader4;
    auth_request_set $authHeader5 $upstream_http_x_authentik_uid;
    proxy_set_header 'X-authentik-uid' $authHeader5;
    error_page 401 = @${id}_signin;
    proxy_set_header Host $http_host;
    proxy_pass ${backend};
  }
}`;
}

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
    const http = `
  upstream outposts {
    server 127.0.0.1:${replicas[0]?.port};
    server 127.0.0.1:${replicas[1]?.port};
  }
  ${ingressServer(SINGLE, port, `${url(SINGLE, '')}/outpost.goauthentik.io/start?rd=$escaped_request_uri`, backend)}
  ${ingressServer(APP1, port, `${url(AUTH, '')}/outpost.goauthentik.io/start?rd=$scheme://$http_host$escaped_request_uri`, backend)}
  ${ingressServer(APP2, port, `${url(AUTH, '')}/outpost.goauthentik.io/start?rd=$scheme://$http_host$escaped_request_uri`, backend)}
  ${ingressServer(AUTH, port, `${url(AUTH, '')}/outpost.goauthentik.io/start`, backend)}`;
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
