import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../src/browser.ts';
import { type ServerProcess, startServerProcess } from '../src/server-process.ts';

/** A stand-in relying party: records the callbacks it receives. */
function startCallbackServer(): Promise<{ url: string; callbacks: URL[]; close(): void }> {
  const callbacks: URL[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    // Browsers also ask for /favicon.ico: only the callback counts.
    if (url.pathname === '/callback') callbacks.push(url);
    response.end('relying party callback');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}/callback`, callbacks, close: () => server.close() });
    });
  });
}

describe('authorization in a real browser: explicit consent and access denied', () => {
  let server: ServerProcess;
  let browser: Browser;
  const token = randomBytes(24).toString('hex');
  let clientId = '';
  let rp: Awaited<ReturnType<typeof startCallbackServer>>;
  let REDIRECT = '';

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  before(async () => {
    rp = await startCallbackServer();
    REDIRECT = rp.url;
    server = await startServerProcess({
      env: { PALISADE_BOOTSTRAP_TOKEN: token, PALISADE_BOOTSTRAP_PASSWORD: 'admin-password-1' },
    });
    const flows = (await api('GET', '/flows/instances/?page_size=100')).results as Array<{
      slug: string;
      pk: string;
    }>;
    const flow = (slug: string) => flows.find((f) => f.slug === slug)?.pk;
    const provider = await api('POST', '/providers/oauth2/', {
      name: 'Notes',
      authorization_flow: flow('default-provider-authorization-explicit-consent'),
      invalidation_flow: flow('default-invalidation-flow'),
      redirect_uris: [{ matching_mode: 'strict', url: REDIRECT }],
    });
    clientId = provider.client_id;
    const app = await api('POST', '/core/applications/', {
      name: 'Team Notes',
      slug: 'notes',
      provider: provider.pk,
    });
    const admins = (await api('GET', '/core/groups/?is_superuser=true')).results[0];
    await api('POST', '/policies/bindings/', { target: app.pk, group: admins.pk, order: 0 });
    const outsider = await api('POST', '/core/users/', { username: 'outsider', name: 'Outsider' });
    await api('POST', `/core/users/${outsider.pk}/set_password/`, { password: 'outsider-password' });
    const bob = await api('POST', '/core/users/', { username: 'bob', name: 'Bob', groups: [admins.pk] });
    await api('POST', `/core/users/${bob.pk}/set_password/`, { password: 'bob-password-1' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rp?.close();
  });

  /** Opens the authorize URL in `page`, signing in as `username` when asked; returns where the browser stopped. */
  async function authorize(page: Page, username?: string, password?: string): Promise<void> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const url = new URL(`${server.url}/application/o/authorize/`);
    url.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(url.href);
    if (username && password) {
      await page.fill('#uid_field', username);
      await page.fill('#password', password);
      await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    }
  }

  async function newPage(): Promise<Page> {
    return (await browser.newContext()).newPage();
  }

  const lastCallback = () => rp.callbacks.at(-1);

  it('asks for consent naming the application and scopes, then remembers it', async () => {
    const page = await newPage();
    const before = rp.callbacks.length;
    await authorize(page, 'akadmin', 'admin-password-1');
    assert.equal(await page.textContent('#consent-header'), 'Team Notes asks to:');
    const scopes = await page.$$eval('#scopes li', (items) =>
      items.map((li) => li.getAttribute('data-scope')),
    );
    assert.deepEqual(scopes, ['openid', 'profile', 'email']);
    await Promise.all([page.waitForURL(`${REDIRECT}**`), page.click('button[value=allow]')]);
    assert.ok(lastCallback()?.searchParams.get('code'), 'a code was issued');
    assert.equal(lastCallback()?.searchParams.get('state'), 'st');

    // Remembered per user and application: a new browser (new session) is not asked again.
    const other = await newPage();
    await authorize(other, 'akadmin', 'admin-password-1');
    await other.waitForURL(`${REDIRECT}**`);
    assert.equal(rp.callbacks.length, before + 2);
    assert.ok(lastCallback()?.searchParams.get('code'));
  });

  it('returns access_denied to the application when the user cancels', async () => {
    const page = await newPage();
    await authorize(page, 'bob', 'bob-password-1');
    await Promise.all([page.waitForURL(`${REDIRECT}**`), page.click('button[value=deny]')]);
    assert.equal(lastCallback()?.searchParams.get('error'), 'access_denied');
    assert.equal(lastCallback()?.searchParams.get('code'), null);
  });

  it('shows an access-denied page to a user the application does not admit, and issues no code', async () => {
    const page = await newPage();
    const before = rp.callbacks.length;
    await authorize(page, 'outsider', 'outsider-password');
    assert.match((await page.textContent('#access-denied')) ?? '', /not allowed to use Team Notes/);
    assert.equal(rp.callbacks.length, before);
  });
});
