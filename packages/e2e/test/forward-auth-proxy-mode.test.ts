import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../src/browser.ts';
import { type EchoBackend, startEchoBackend } from '../src/echo-backend.ts';
import { type ForwardAuthStack, startForwardAuthStack } from '../src/forward-auth-stack.ts';
import { type OutpostProcess, startOutpostProcess } from '../src/outpost-process.ts';
import { freePort } from '../src/server-process.ts';
import { echoedHeaders, signInAtCore } from '../src/sign-in-page.ts';

const HOST = 'wiki.example.test';

describe('proxy mode: the outpost is the reverse proxy, websockets included, in Chromium', () => {
  let stack: ForwardAuthStack;
  let outpost: OutpostProcess;
  let echo: EchoBackend;
  let browser: Browser;
  let appUrl = '';

  before(async () => {
    echo = await startEchoBackend();
    const port = await freePort();
    appUrl = `http://${HOST}:${port}`;
    stack = await startForwardAuthStack({
      users: [{ username: 'gus', password: 'gus-password-123' }],
      apps: [
        {
          slug: 'wiki',
          externalHost: appUrl,
          mode: 'proxy',
          internalHost: echo.url,
          // Short sessions, so the suite sees one expire.
          accessTokenValidity: 'seconds=8',
        },
      ],
    });
    outpost = await startOutpostProcess({
      coreUrl: stack.core.url,
      token: stack.outpostToken,
      readyHost: `${HOST}:${port}`,
      port,
    });
    browser = await launchChromium({ loopbackHosts: [HOST] });
  });
  after(async () => {
    await browser?.close();
    await outpost?.stop();
    await stack?.close();
    await echo?.close();
  });

  it('proxies pages and a websocket for a signed-in user, with identity headers and no outpost cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/wiki/Main_Page?action=view`);
    await signInAtCore(page, 'gus', 'gus-password-123');
    await page.waitForURL(`${appUrl}/wiki/Main_Page?action=view`);
    const headers = await echoedHeaders(page);
    assert.equal(headers['x-authentik-username'], 'gus');
    assert.equal(headers['x-forwarded-host'], `${HOST}:${appUrl.split(':').at(-1)}`);
    assert.ok(!(headers.cookie ?? '').includes('authentik_proxy_'), "the outpost's cookie stays out");
    const reply = await page.evaluate(
      (url) =>
        new Promise<string>((resolve, reject) => {
          const socket = new WebSocket(url);
          socket.onopen = () => socket.send('hello');
          socket.onmessage = (event) => resolve(String(event.data));
          socket.onerror = () => reject(new Error('websocket failed'));
        }),
      `${appUrl.replace('http:', 'ws:')}/live`,
    );
    assert.equal(reply, 'echo: hello');
    const upgrade = echo.received.find((r) => r.method === 'UPGRADE' && r.url === '/live');
    assert.equal(upgrade?.headers['x-authentik-username'], 'gus');
    await context.close();
  });
});
