import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { TOTP_DEFAULTS, totpCodeAt } from '@palisade/core/mfa/totp';
import { launchChromium } from '../src/browser.ts';
import { type ServerProcess, startServerProcess } from '../src/server-process.ts';
import { collectBrowserErrors } from './web-support.ts';

const PASSWORD = 'a-strong-password';

/**
 * Multi-factor sign-in in Chromium, through the real pages: the admin sets up an authenticator app, recovery
 * codes and a passkey (Chromium's virtual authenticator through the DevTools protocol's WebAuthn domain),
 * then signs in with password + TOTP, password + passkey, a passkey alone, and password + recovery code,
 * and removes devices from the user interface and the admin interface. WebAuthn needs a domain, not an IP
 * address, as its relying party: the browser reaches the core as localhost.
 */
describe('multi-factor sign-in in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId = '';
  let origin: string;
  let secret = '';
  let codes: string[] = [];
  const errors: string[] = [];

  /**
   * Signs out by forgetting every cookie, from a blank page: a console page left open would otherwise call
   * the API without a session (a 403 in the console) while the next page loads.
   */
  async function signOut(): Promise<void> {
    await page.goto('about:blank');
    await context.clearCookies();
  }

  /** Signs out, then signs in with the password, up to the second factor. */
  async function passwordStep(): Promise<void> {
    await signOut();
    await page.goto(`${origin}/if/flow/default-authentication-flow/?next=${encodeURIComponent('/if/user/')}`);
    await page.fill('#uid_field', 'akadmin');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    await page.waitForSelector('#code');
  }

  /** Enters a second-factor code after the password: either it signs in, or the page says it is invalid. */
  async function enterCode(code: string, accepted: boolean): Promise<void> {
    await passwordStep();
    await page.fill('#code', code);
    if (accepted) {
      await Promise.all([page.waitForURL(/\/if\/user\//), page.click('button[type=submit]')]);
      assert.equal(await signedInAs(), 'akadmin');
      return;
    }
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    assert.equal((await page.textContent('[role=alert]'))?.trim(), 'Invalid code.');
    assert.equal(await signedInAs(), undefined, 'no session after a refused code');
  }

  async function signedInAs(): Promise<string | undefined> {
    const res = await page.request.get(`${origin}/api/v3/core/users/me/`);
    return res.ok() ? ((await res.json()) as { user: { username: string } }).user.username : undefined;
  }

  before(async () => {
    server = await startServerProcess();
    origin = server.url.replace('127.0.0.1', 'localhost');
    browser = await launchChromium({ loopbackHosts: ['localhost'] });
    context = await browser.newContext();
    page = await context.newPage();
    collectBrowserErrors(page, errors);
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    }));
    await page.goto(`${origin}/`);
    await page.fill('#email', 'admin@example.com');
    await page.fill('#password', PASSWORD);
    await page.fill('#password_repeat', PASSWORD);
    await Promise.all([page.waitForURL(`${origin}/`), page.click('button[type=submit]')]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sets up an authenticator app from the MFA page, with a QR code and a code of it', async () => {
    await page.goto(`${origin}/if/user/mfa`);
    await Promise.all([
      page.waitForURL(/default-authenticator-totp-setup/),
      page.click('text=Add: Authenticator app'),
    ]);
    assert.ok(await page.locator('.qr svg').count(), 'the QR code is on the page');
    secret = ((await page.textContent('#totp-secret')) ?? '').trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await page.fill('#code', totpCodeAt({ ...TOTP_DEFAULTS, secret }, Date.now()));
    await Promise.all([page.waitForURL(/\/if\/user\/mfa/), page.click('button[type=submit]')]);
    await page.waitForSelector('text=Authenticator app (TOTP)');
  });

  it('sets up recovery codes, shown once', async () => {
    await Promise.all([
      page.waitForURL(/default-authenticator-static-setup/),
      page.click('text=Add: Recovery codes'),
    ]);
    codes = await page.locator('#recovery-codes code').allTextContents();
    assert.equal(codes.length, 6);
    await Promise.all([page.waitForURL(/\/if\/user\/mfa/), page.click('button[type=submit]')]);
    await page.waitForSelector('td:has-text("Recovery codes")');
  });

  it("registers a passkey with Chromium's virtual authenticator", async () => {
    await Promise.all([
      page.waitForURL(/default-authenticator-webauthn-setup/),
      page.click('text=Add: Passkey'),
    ]);
    await Promise.all([page.waitForURL(/\/if\/user\/mfa/), page.click('#webauthn-start')]);
    await page.waitForSelector('text=Passkey or security key');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]?.isResidentCredential, true, 'a discoverable credential: a passkey');
  });

  it('signs in with password + TOTP, and refuses the code the second time', async () => {
    // The setup used this step's code: the next step's is within the window and not used yet.
    const code = totpCodeAt({ ...TOTP_DEFAULTS, secret }, Date.now() + 30_000);
    await passwordStep();
    assert.equal(await signedInAs(), undefined, 'no session before the second factor');
    await enterCode(code, true);
    await enterCode(code, false);
  });

  it('signs in with password + passkey', async () => {
    await passwordStep();
    await Promise.all([page.waitForURL(/\/if\/user\//), page.click('#webauthn-start')]);
    assert.equal(await signedInAs(), 'akadmin');
  });

  it('signs in with a passkey alone (a discoverable credential)', async () => {
    await signOut();
    await page.goto(`${origin}/if/flow/default-passwordless-flow/?next=${encodeURIComponent('/if/user/')}`);
    await Promise.all([page.waitForURL(/\/if\/user\//), page.click('#webauthn-start')]);
    assert.equal(await signedInAs(), 'akadmin');
  });

  it('signs in with a recovery code once', async () => {
    const code = codes[0] ?? '';
    await enterCode(code, true);
    await enterCode(code, false);
  });

  it("removes a device from the MFA page, and an admin removes a user's device in the console", async () => {
    await enterCode(codes[1] ?? '', true);
    await page.goto(`${origin}/if/user/mfa`);
    await page.click('button[aria-label="Delete Recovery codes"]');
    await page.click('dialog button.danger');
    await page.waitForSelector('td:has-text("Recovery codes")', { state: 'detached' });
    await page.goto(`${origin}/if/admin/identity/users`);
    await page.click('button[aria-label="MFA devices of akadmin"]');
    await page.waitForSelector('dialog td:has-text("Authenticator app")');
    await page.click('dialog button[aria-label="Delete Authenticator app"]');
    await page.click('dialog >> nth=-1 >> button.danger');
    await page.waitForSelector('dialog td:has-text("Authenticator app")', { state: 'detached' });
    const left = (await (await page.request.get(`${origin}/api/v3/authenticators/all/`)).json()) as Array<{
      name: string;
    }>;
    assert.deepEqual(
      left.map((d) => d.name),
      ['Passkey'],
    );
  });

  it('ran without a Content-Security-Policy violation or other console error', () => {
    assert.deepEqual(errors, []);
  });
});
