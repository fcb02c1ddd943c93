import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../src/browser.ts';
import { type ServerProcess, startServerProcess } from '../src/server-process.ts';
import {
  apiClient,
  assertConsoleBuilt,
  collectBrowserErrors,
  screenshot,
  signInThroughForm,
} from './web-support.ts';

describe('serving the web console: redirects, headers, caching, and the user launcher', () => {
  let server: ServerProcess;
  let browser: Browser;
  const token = randomBytes(24).toString('hex');
  const api = apiClient(() => server.url, token);
  const errors: string[] = [];

  before(async () => {
    assertConsoleBuilt();
    server = await startServerProcess({
      env: { PALISADE_BOOTSTRAP_TOKEN: token, PALISADE_BOOTSTRAP_PASSWORD: 'admin-password-1' },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends visitors without a session to the sign-in flow with the path to come back to', async () => {
    for (const path of ['/if/admin/', '/if/admin/core/applications?x=1', '/if/user/']) {
      const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(
        res.headers.get('location'),
        `/if/flow/default-authentication-flow/?next=${encodeURIComponent(path)}`,
      );
    }
    const missing = await fetch(`${server.url}/if/assets/nothing-here.js`);
    assert.equal(missing.status, 404);
    assert.equal((await fetch(`${server.url}/if/assets/..%2Fadmin%2Findex.html`)).status, 404);
  });

  it('answers index.html with no-cache and a strict CSP, and hashed assets for a year', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    collectBrowserErrors(page, errors);
    await page.goto(`${server.url}/if/admin/outpost/outposts`);
    await signInThroughForm(page, 'akadmin', 'admin-password-1', /\/if\/admin\/outpost\/outposts$/);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const index = await fetch(`${server.url}/if/admin/identity/users`, { headers: { cookie } });
    assert.equal(index.status, 200, 'a deep link answers the app');
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await index.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const asset = /src="(\/if\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset);
    const res = await fetch(`${server.url}${asset}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    await context.close();
  });

  it('lists in the launcher only the applications the user may open', async () => {
    const admins = (await api<{ results: Array<{ pk: string }> }>('GET', '/core/groups/?is_superuser=true'))
      .results[0];
    const others = await api<{ pk: string }>('POST', '/core/groups/', { name: 'others' });
    await api('POST', '/core/applications/', {
      name: 'Wiki',
      slug: 'wiki',
      meta_launch_url: 'https://wiki.example.com/',
    });
    const grafana = await api<{ pk: string }>('POST', '/core/applications/', {
      name: 'Grafana',
      slug: 'grafana',
      meta_launch_url: 'https://grafana.example.com/',
    });
    const payroll = await api<{ pk: string }>('POST', '/core/applications/', {
      name: 'Payroll',
      slug: 'payroll',
      meta_launch_url: 'https://payroll.example.com/',
    });
    // No launch URL of its own: the tile opens the provider's external host, as the form promises.
    const flows = (
      await api<{ results: Array<{ slug: string; pk: string }> }>('GET', '/flows/instances/?page_size=100')
    ).results;
    const flow = (slug: string) => flows.find((f) => f.slug === slug)?.pk;
    const docs = await api<{ pk: number }>('POST', '/providers/proxy/', {
      name: 'Docs proxy',
      authorization_flow: flow('default-provider-authorization-implicit-consent'),
      invalidation_flow: flow('default-invalidation-flow'),
      external_host: 'https://docs.example.com:8443',
      mode: 'forward_single',
    });
    await api('POST', '/core/applications/', { name: 'Docs', slug: 'docs', provider: docs.pk });
    await api('POST', '/policies/bindings/', { target: grafana.pk, group: admins?.pk, order: 0 });
    await api('POST', '/policies/bindings/', { target: payroll.pk, group: others.pk, order: 0 });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    collectBrowserErrors(page, errors);
    await page.goto(`${server.url}/if/user/`);
    await signInThroughForm(page, 'akadmin', 'admin-password-1', /\/if\/user\/$/);
    await page.getByRole('link', { name: /Wiki/ }).waitFor();
    const names = await page.locator('.app-name').allTextContents();
    assert.deepEqual(
      names.sort(),
      ['Docs', 'Grafana', 'Wiki'],
      'Payroll is bound to a group akadmin is not in',
    );
    assert.equal(
      await page.getByRole('link', { name: /Docs/ }).getAttribute('href'),
      'https://docs.example.com:8443',
      "the provider's URL",
    );
    assert.equal(
      await page.getByRole('link', { name: /Grafana/ }).getAttribute('href'),
      'https://grafana.example.com/',
    );
    await screenshot(page, 'user-launcher');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'phone-user-launcher');
    await Promise.all([
      page.waitForURL(/default-authentication-flow/),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    assert.equal(
      (await context.cookies()).find((c) => c.name === 'palisade_session'),
      undefined,
      'signed out',
    );
    await context.close();
  });

  it('sends a user who is not a superuser from the admin interface to the user interface', async () => {
    const bob = await api<{ pk: number }>('POST', '/core/users/', { username: 'bob', name: 'Bob' });
    await api('POST', `/core/users/${bob.pk}/set_password/`, { password: 'bob-password-1' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/if/admin/`);
    await signInThroughForm(page, 'bob', 'bob-password-1', /\/if\/user\/$/);
    assert.equal(new URL(page.url()).pathname, '/if/user/');
    await context.close();
  });

  it('ran without a console error or page error', () => {
    assert.deepEqual(errors, []);
  });
});
