import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { EchoBackend } from '../src/echo-backend.ts';
import { type NginxForwardAuth, startNginxForwardAuth } from '../src/nginx-forward-auth.ts';
import { echoedHeaders, signInAtCore } from '../src/sign-in-page.ts';

const HOST = 'hello.example.test';

describe('forward auth through real nginx (docs/forward-auth/nginx.md as written) in Chromium', () => {
  let setup: NginxForwardAuth;
  let echo: EchoBackend;
  let appUrl = '';
  const consoleErrors: string[] = [];

  before(async () => {
    setup = await startNginxForwardAuth({
      host: HOST,
      users: [
        { username: 'alice', password: 'alice-password-1', name: 'Alice', groups: ['staff'] },
        { username: 'bob', password: 'bob-password-12' },
      ],
      app: { slug: 'hello', allowed: ['alice'] },
    });
    ({ appUrl, echo } = setup);
  });
  after(() => setup?.close());

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await setup.browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    return { context, page };
  }

  it('sends a visitor through the core sign-in and back to the URL they asked for, query string included', async () => {
    const { context, page } = await newPage();
    await page.goto(`${appUrl}/reports/2026?view=full&sort=desc`);
    await signInAtCore(page, 'alice', 'alice-password-1');
    await page.waitForURL(`${appUrl}/reports/2026?view=full&sort=desc`, { timeout: 10_000 }).catch((e) => {
      throw new Error(`ended at ${page.url()}: ${e}`);
    });
    const headers = await echoedHeaders(page);
    assert.equal(headers['x-authentik-username'], 'alice');
    assert.equal(headers['x-authentik-groups'], 'staff');
    assert.equal(headers['x-authentik-email'], 'alice@example.test');
    assert.equal(headers['x-authentik-name'], 'Alice');
    assert.match(headers['x-authentik-uid'] ?? '', /^[0-9a-f]{64}$/);
    await context.close();
  });

  it('never passes a client-sent identity header to the application', async () => {
    const { context, page } = await newPage();
    await page.goto(`${appUrl}/`);
    await signInAtCore(page, 'alice', 'alice-password-1');
    await page.waitForURL(`${appUrl}/`);
    await context.setExtraHTTPHeaders({ 'X-authentik-username': 'akadmin', 'X-Authentik-Groups': 'admins' });
    await page.goto(`${appUrl}/spoof`);
    const headers = await echoedHeaders(page);
    assert.equal(headers['x-authentik-username'], 'alice');
    assert.equal(headers['x-authentik-groups'], 'staff');
    await context.close();
  });

  it("signs out through the outpost on Palisade's own page: the core session ends without a click, with a way back", async () => {
    const { context, page } = await newPage();
    await page.goto(`${appUrl}/before`);
    await signInAtCore(page, 'alice', 'alice-password-1');
    await page.waitForURL(`${appUrl}/before`);
    const elsewhere: string[] = [];
    const ours = new Set([new URL(appUrl).host, new URL(setup.stack.core.url).host]);
    page.on('request', (request) => {
      if (!ours.has(new URL(request.url()).host)) elsewhere.push(request.url());
    });
    await page.goto(`${appUrl}/outpost.goauthentik.io/sign_out`);
    // The core's end-session endpoint runs the provider's invalidation flow, which ends the core session.
    await page.waitForURL(/\/if\/flow\/default-provider-invalidation-flow\/\?application=hello$/);
    assert.equal((await page.textContent('#signed-out'))?.trim(), 'You are signed out.');
    assert.equal(await page.getAttribute('#way-back', 'href'), `${appUrl}/`);
    assert.deepEqual(elsewhere, [], 'nothing loaded from a third party');
    // A user who does nothing more is not signed back in: the application asks to sign in again.
    await page.click('#way-back');
    await page.waitForURL(/\/if\/flow\/default-authentication-flow\//);
    await page.goto(`${appUrl}/after`);
    assert.match(page.url(), /\/if\/flow\/default-authentication-flow\//);
    await context.close();
  });

  it('shows a user who may not use the application the access-denied page, and nothing of the app', async () => {
    const before = echo.received.length;
    const { context, page } = await newPage();
    await page.goto(`${appUrl}/secret`);
    await signInAtCore(page, 'bob', 'bob-password-12');
    await page.waitForLoadState('load');
    assert.ok(!page.url().startsWith(appUrl), `ended at ${page.url()}`);
    assert.match((await page.textContent('body')) ?? '', /access|denied|permission/i);
    assert.equal(echo.received.filter((r) => r.url === '/secret').length, 0);
    assert.ok(echo.received.length >= before);
    await context.close();
  });

  it('has no script errors in the pages it showed', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
