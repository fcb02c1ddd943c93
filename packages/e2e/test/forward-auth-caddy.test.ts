import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../src/browser.ts';
import { type Caddy, startCaddy } from '../src/caddy.ts';
import { docSnippet, fillSnippet } from '../src/doc-snippets.ts';
import { type EchoBackend, startEchoBackend } from '../src/echo-backend.ts';
import { type ForwardAuthStack, startForwardAuthStack } from '../src/forward-auth-stack.ts';
import { type OutpostProcess, startOutpostProcess } from '../src/outpost-process.ts';
import { freePort } from '../src/server-process.ts';
import { echoedHeaders, signInAtCore } from '../src/sign-in-page.ts';

const HOST = 'caddy.example.test';

describe('forward auth through real Caddy (docs/forward-auth/caddy.md as written) in Chromium', () => {
  let stack: ForwardAuthStack;
  let outpost: OutpostProcess;
  let caddy: Caddy;
  let echo: EchoBackend;
  let browser: Browser;
  let appUrl = '';

  before(async () => {
    echo = await startEchoBackend();
    const port = await freePort();
    appUrl = `http://${HOST}:${port}`;
    stack = await startForwardAuthStack({
      users: [{ username: 'carol', password: 'carol-password-1', name: 'Carol', groups: ['ops', 'dev'] }],
      apps: [{ slug: 'dash', externalHost: appUrl, mode: 'forward_single' }],
    });
    outpost = await startOutpostProcess({
      coreUrl: stack.core.url,
      token: stack.outpostToken,
      readyHost: `${HOST}:${port}`,
    });
    const caddyfile = fillSnippet(await docSnippet('forward-auth/caddy.md', 'caddyfile'), {
      // Caddy's site address carries the port and, without TLS here, the scheme.
      'http://app.example.com {': `http://${HOST}:${port} {`,
      'outpost.internal:9000': `127.0.0.1:${outpost.port}`,
      'backend.internal:8080': `127.0.0.1:${echo.port}`,
    });
    caddy = await startCaddy(port, caddyfile);
    browser = await launchChromium({ loopbackHosts: [HOST] });
  });
  after(async () => {
    await browser?.close();
    await caddy?.stop();
    await outpost?.stop();
    await stack?.close();
    await echo?.close();
  });

  it('signs in through the core, lands on the original URL, and the app gets the copied headers', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/metrics/cpu?range=1h&step=5m`);
    await signInAtCore(page, 'carol', 'carol-password-1');
    await page.waitForURL(`${appUrl}/metrics/cpu?range=1h&step=5m`);
    const headers = await echoedHeaders(page);
    assert.equal(headers['x-authentik-username'], 'carol');
    assert.equal(headers['x-authentik-groups'], 'dev|ops');
    assert.equal(headers['x-authentik-meta-app'], 'dash');
    assert.equal(headers['x-authentik-meta-outpost'], stack.outpostName);
    assert.match(headers['x-authentik-jwt'] ?? '', /^[\w-]+\.[\w-]+\.[\w-]+$/);
    // A client's own copy never survives copy_headers.
    await context.setExtraHTTPHeaders({ 'X-Authentik-Username': 'akadmin' });
    await page.goto(`${appUrl}/again`);
    assert.equal((await echoedHeaders(page))['x-authentik-username'], 'carol');
    await context.close();
  });
});
