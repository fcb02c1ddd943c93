import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../src/browser.ts';
import { type ServerProcess, startServerProcess } from '../src/server-process.ts';

describe('setting up and signing in with a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  /** What the browser complained about (a Content-Security-Policy violation shows up here). */
  const consoleErrors: string[] = [];
  before(async () => {
    server = await startServerProcess();
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends a first visitor to setup, which sets the admin password and signs in', async () => {
    await page.goto(`${server.url}/`);
    assert.equal(new URL(page.url()).pathname, '/if/flow/initial-setup/');
    assert.equal(await page.textContent('h1'), 'Welcome to Palisade');
    await page.fill('#email', 'admin@example.com');
    await page.fill('#password', 'a-strong-password');
    await page.fill('#password_repeat', 'a-strong-password');
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
    assert.match((await page.textContent('main p')) ?? '', /Signed in as\s+akadmin\s+\(admin@example\.com\)/);
    assert.equal(await page.textContent('#username'), 'akadmin');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'palisade_session');
    assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(session?.sameSite, 'Lax');
  });

  it('signs out, and the landing page then asks to sign in', async () => {
    await Promise.all([page.waitForURL(/default-authentication-flow/), page.click('button[type=submit]')]);
    const cookies = await page.context().cookies();
    assert.equal(
      cookies.find((c) => c.name === 'palisade_session'),
      undefined,
      'the session cookie is gone',
    );
    await page.goto(`${server.url}/`);
    assert.equal(new URL(page.url()).pathname, '/if/flow/default-authentication-flow/');
    assert.equal(await page.textContent('h1'), 'Sign in');
  });

  it('shows the generic message for a wrong password', async () => {
    await page.fill('#uid_field', 'akadmin');
    await page.fill('#password', 'not-the-password');
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    assert.equal((await page.textContent('[role=alert]'))?.trim(), 'Invalid username or password.');
    assert.equal(await page.inputValue('#uid_field'), 'akadmin', 'the username is kept');
    assert.equal(await page.inputValue('#password'), '', 'the password is not');
  });

  it('signs in with the email and returns to where it was going', async () => {
    await page.goto(`${server.url}/if/flow/default-authentication-flow/?next=${encodeURIComponent('/')}`);
    await page.fill('#uid_field', 'admin@example.com');
    await page.fill('#password', 'a-strong-password');
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
    assert.equal(await page.textContent('#username'), 'akadmin');
  });

  it('ran without a Content-Security-Policy violation or other console error', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
