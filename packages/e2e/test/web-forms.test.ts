import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ServerProcess } from '../src/server-process.ts';
import {
  type ConsoleSession,
  screenshot,
  signInThroughForm,
  startConsoleSession,
  submitDialog,
  submitRefused,
  unlabelledControls,
  waitForOptions,
} from './web-support.ts';

interface Paged<T> {
  results: T[];
}
interface User {
  pk: number;
  username: string;
  name: string;
  email: string;
  groups: string[];
}
interface Group {
  pk: string;
  name: string;
  users: number[];
  is_superuser: boolean;
}
interface Keypair {
  pk: string;
  name: string;
  private_key_available: boolean;
  cert_subject: string | null;
}
interface OAuth2 {
  pk: number;
  name: string;
  client_type: string;
  signing_key: string | null;
  redirect_uris: Array<{ matching_mode: string; url: string }>;
  access_token_validity: string;
}

describe('admin interface forms in a real browser: directory, certificates, OAuth2, checked through the API', () => {
  let session: ConsoleSession;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const api = <T = unknown>(method: string, path: string, body?: unknown) =>
    session.api<T>(method, path, body);
  const side = (name: string) => page.locator('#sidebar').getByRole('link', { name, exact: true });
  const dialog = () => page.locator('dialog');
  const firstOf = async <T>(path: string) => (await api<Paged<T>>('GET', path)).results[0];
  const submit = (label: string) => submitDialog(page, label);
  /** Submits, expecting the server's 400 for `path`; returns the message shown at `field`. */
  const refused = (label: string, path: RegExp, field: string): Promise<Locator> =>
    submitRefused(session, label, path, field);

  before(async () => {
    session = await startConsoleSession({ signInAt: '/identity/groups' });
    ({ server, browser, page } = session);
  });
  after(async () => {
    await session?.stop();
  });

  it('creates a group, and renames it', async () => {
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog().getByLabel(/^Name/).fill('editors');
    await submit('Create');
    const group = await firstOf<Group>('/core/groups/?name=editors');
    assert.equal(group?.is_superuser, false);
    await page.getByRole('button', { name: 'Edit editors' }).click();
    await dialog().getByLabel(/^Name/).fill('web editors');
    await submit('Update');
    assert.equal((await api<Group>('GET', `/core/groups/${group?.pk}/`)).name, 'web editors');
    await page.getByRole('cell', { name: 'web editors', exact: true }).waitFor();
  });

  it('creates a user in that group with a password they can sign in with', async () => {
    await side('Users').click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog()
      .getByLabel(/^Username/)
      .fill('alice');
    await dialog().getByLabel('Display name').fill('Alice Example');
    await dialog().getByLabel('Email').fill('alice@example.com');
    await dialog().getByLabel('web editors').check();
    await dialog()
      .getByLabel(/^Password/)
      .fill('alice-password-1');
    assert.deepEqual(await unlabelledControls(page), []);
    await submit('Create');
    const alice = await firstOf<User>('/core/users/?username=alice');
    assert.equal(alice?.name, 'Alice Example');
    assert.equal(alice?.email, 'alice@example.com');
    const group = await firstOf<Group>('/core/groups/?name=web%20editors');
    assert.deepEqual(alice?.groups, [group?.pk]);
    await page.getByRole('cell', { name: 'Alice Example' }).waitFor();

    // The password works: Alice signs in through the real form, in a browser of her own.
    const other = await browser.newContext();
    const hers = await other.newPage();
    await hers.goto(`${server.url}/if/user/`);
    await signInThroughForm(hers, 'alice', 'alice-password-1', /\/if\/user\/$/);
    // Her launcher loads (any signed-in user may list the applications they may open): none yet.
    await hers.getByText('No applications are available to you yet.').waitFor();
    await other.close();
  });

  it('shows the server’s errors at their fields: a taken username, a malformed one', async () => {
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog()
      .getByLabel(/^Username/)
      .fill('alice');
    const taken = await refused('Create', /\/api\/v3\/core\/users\/\)$/, 'username');
    assert.match((await taken.textContent()) ?? '', /already exists|taken/i);
    assert.equal(await dialog().locator('#field-username').getAttribute('aria-invalid'), 'true');
    await dialog()
      .getByLabel(/^Username/)
      .fill('no spaces allowed');
    const malformed = await refused('Create', /\/api\/v3\/core\/users\/\)$/, 'username');
    assert.doesNotMatch((await malformed.textContent()) ?? '', /already exists/);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    const users = await api<Paged<User>>('GET', '/core/users/?search=spaces');
    assert.equal(users.results.length, 0, 'nothing was saved');
  });

  it('edits a user', async () => {
    await page.getByRole('button', { name: 'Edit alice' }).click();
    await dialog().getByLabel('Display name').fill('Alice Renamed');
    await submit('Update');
    assert.equal((await firstOf<User>('/core/users/?username=alice'))?.name, 'Alice Renamed');
  });

  it('creates an API token and shows its key once, as view_key reads it', async () => {
    await side('Tokens').click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await waitForOptions(page, 'user');
    await dialog()
      .getByLabel(/^Identifier/)
      .fill('alice-api');
    await dialog().getByLabel(/^User/).selectOption({ label: 'alice' });
    await dialog().getByLabel('Description').fill('for the CI');
    assert.deepEqual(await unlabelledControls(page), []);
    // The console's default (30 minutes) differs from the CLI's (never): the form says both.
    const expiry = dialog().locator('#token-expiry-default');
    assert.match(
      (await expiry.textContent()) ?? '',
      /expires: 30 minutes after it is created unless you choose a date.*palisade token create never expire/,
    );
    await dialog().getByLabel('Expires', { exact: true }).uncheck();
    assert.match((await expiry.textContent()) ?? '', /^This token never expires/);
    await dialog().getByRole('button', { name: 'Create', exact: true }).click();
    const shown = dialog().getByLabel('Token key');
    await dialog().getByRole('heading', { name: 'Token alice-api created' }).waitFor();
    const key = (await api<{ key: string }>('GET', '/core/tokens/alice-api/view_key/')).key;
    await dialog().getByText(key).waitFor();
    assert.equal((await shown.textContent())?.trim(), key);
    await screenshot(page, 'token-created');
    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'detached' });
    const created = await api<{ user: number; expiring: boolean; intent: string }>(
      'GET',
      '/core/tokens/alice-api/',
    );
    assert.equal(created.expiring, false);
    assert.equal(created.intent, 'api');
    assert.equal(created.user, (await firstOf<User>('/core/users/?username=alice'))?.pk);

    await page.getByRole('button', { name: 'Edit alice-api' }).click();
    await dialog().getByLabel('Description').fill('for the nightly CI');
    await submit('Update');
    const edited = await api<{ description: string }>('GET', '/core/tokens/alice-api/');
    assert.equal(edited.description, 'for the nightly CI');
    assert.equal(
      (await api<{ key: string }>('GET', '/core/tokens/alice-api/view_key/')).key,
      key,
      'an edit keeps the key',
    );
  });

  it('generates a certificate-key pair; a bad validity is refused at its field', async () => {
    await side('Certificates').click();
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await dialog()
      .getByLabel(/^Common name/)
      .fill('sso.example.com');
    await dialog().getByLabel('Subject alternative names').fill('sso.example.com, *.example.com');
    await dialog()
      .getByLabel(/^Validity/)
      .fill('0');
    const message = await refused(
      'Generate',
      /\/api\/v3\/crypto\/certificatekeypairs\/generate\/\)$/,
      'validity_days',
    );
    assert.match((await message.textContent()) ?? '', /1 to/);
    await dialog()
      .getByLabel(/^Validity/)
      .fill('30');
    await submit('Generate');
    const pair = await firstOf<Keypair>('/crypto/certificatekeypairs/?name=sso.example.com');
    assert.ok(pair?.private_key_available);
    await page.getByRole('button', { name: 'Edit sso.example.com' }).click();
    await dialog().getByLabel(/^Name/).fill('SSO signing key');
    await submit('Update');
    assert.equal(
      (await api<Keypair>('GET', `/crypto/certificatekeypairs/${pair?.pk}/`)).name,
      'SSO signing key',
    );
    await page.getByRole('cell', { name: 'SSO signing key', exact: true }).waitFor();
    await screenshot(page, 'certificates');
  });

  it('creates an OAuth2 provider with redirect URIs and a signing key, refusing a bad pattern at its field', async () => {
    await side('Providers').click();
    await page.getByRole('button', { name: 'Create OAuth2 provider' }).click();
    await waitForOptions(page, 'authorization_flow', 'invalidation_flow');
    await dialog().getByLabel('Provider name').fill('Grafana');
    await dialog().getByLabel('Client type').selectOption('confidential');
    await dialog().getByRole('button', { name: 'Add redirect URI' }).click();
    await dialog()
      .getByLabel('Redirect URI 1', { exact: true })
      .fill('https://grafana.example.com/login/generic_oauth');
    await dialog().getByRole('button', { name: 'Add redirect URI' }).click();
    await dialog().getByLabel('Matching mode of redirect URI 2').selectOption('regex');
    await dialog().getByLabel('Redirect URI 2', { exact: true }).fill('https://(unclosed');
    await dialog().getByLabel('Signing key').selectOption({ label: 'SSO signing key' });
    await dialog().getByText('Advanced protocol settings').click();
    assert.deepEqual(await unlabelledControls(page), [], 'every control has a label, the URI rows too');
    await dialog().getByText('openid', { exact: true }).waitFor();
    const message = await refused('Create', /\/api\/v3\/providers\/oauth2\/\)$/, 'redirect_uris');
    assert.match((await message.textContent()) ?? '', /Entry 1/);
    assert.equal((await api<Paged<OAuth2>>('GET', '/providers/oauth2/?name=Grafana')).results.length, 0);

    await dialog().getByRole('button', { name: 'Remove redirect URI 2' }).click();
    await submit('Create');
    const provider = await firstOf<OAuth2>('/providers/oauth2/?name=Grafana');
    assert.ok(provider);
    assert.equal(provider.client_type, 'confidential');
    assert.deepEqual(provider.redirect_uris, [
      { matching_mode: 'strict', url: 'https://grafana.example.com/login/generic_oauth' },
    ]);
    const pair = await firstOf<Keypair>('/crypto/certificatekeypairs/?name=SSO%20signing%20key');
    assert.equal(provider.signing_key, pair?.pk);

    await page.getByRole('button', { name: 'Edit Grafana' }).click();
    await dialog().getByText('Advanced protocol settings').click();
    await dialog().getByLabel('Access token validity').waitFor();
    await dialog().getByLabel('Access token validity').fill('minutes=10');
    await screenshot(page, 'oauth2-provider-form');
    await submit('Update');
    const edited = await api<OAuth2>('GET', `/providers/oauth2/${provider.pk}/`);
    assert.equal(edited.access_token_validity, 'minutes=10');
    assert.equal(edited.redirect_uris.length, 1, 'an edit keeps the redirect URIs');
  });

  it('deletes a group after asking, and its member leaves it', async () => {
    const group = await firstOf<Group>('/core/groups/?name=web%20editors');
    assert.ok(group);
    await side('Groups').click();
    await page.getByRole('button', { name: 'Delete web editors' }).click();
    await dialog().getByRole('heading', { name: 'Delete web editors?' }).waitFor();
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
    assert.equal(
      (await api<Group>('GET', `/core/groups/${group.pk}/`)).name,
      'web editors',
      'Cancel keeps it',
    );
    await page.getByRole('button', { name: 'Delete web editors' }).click();
    await submit('Delete');
    const left = await api<Paged<Group>>('GET', '/core/groups/?name=web%20editors');
    assert.equal(left.results.length, 0);
    assert.deepEqual((await firstOf<User>('/core/users/?username=alice'))?.groups, []);
    await page.getByRole('cell', { name: 'web editors', exact: true }).waitFor({ state: 'detached' });
  });

  it('moves through a form with Tab, with a visible focus ring, and fits a phone', async () => {
    await side('Users').click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    // showModal() moves focus into the dialog once it has rendered: focus the field after that.
    await page.locator('dialog[open]').waitFor();
    await dialog()
      .getByLabel(/^Username/)
      .focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'field-name');
    assert.notEqual(
      await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle'),
      'none',
    );
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Edit alice' }).click();
    await dialog().getByLabel('Display name').waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 390, `no horizontal scrolling at phone width (${width}px)`);
    await screenshot(page, 'phone-user-form');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
  });

  it('ran without a console error or page error', () => {
    assert.deepEqual(session.errors, []);
  });
});
