import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import { REPO_ROOT, type ServerProcess } from '../src/server-process.ts';
import {
  ADMIN_PASSWORD,
  type ConsoleSession,
  connectInstance,
  SCREENSHOT_DIR,
  screenshot,
  signInThroughForm,
  startConsoleSession,
  waitForOptions,
} from './web-support.ts';

/** The outline style of the focused element (evaluated in the page, which has the DOM this file's types lack). */
const FOCUSED_OUTLINE = 'getComputedStyle(document.activeElement).outlineStyle';

interface Paged<T> {
  results: T[];
}
interface Outpost {
  pk: string;
  name: string;
  providers: number[];
  config: Record<string, unknown>;
  token_identifier: string;
}

describe('admin interface in a real browser: the guides’ clicks, checked through the API', () => {
  let session: ConsoleSession;
  let server: ServerProcess;
  let page: Page;
  let instance: WebSocket | undefined;
  const api = <T = unknown>(method: string, path: string, body?: unknown) =>
    session.api<T>(method, path, body);
  let providerPk = 0;
  /** A link of the sidebar (the dashboard's tiles link to the same screens). */
  const side = (name: string) => page.locator('#sidebar').getByRole('link', { name, exact: true });

  before(async () => {
    session = await startConsoleSession();
    ({ server, page } = session);
  });
  after(async () => {
    instance?.close();
    await session?.stop();
  });

  it('sends a visitor through the sign-in form and back to the deep link asked for', async () => {
    await page.goto(`${server.url}/if/admin/core/providers`);
    await signInThroughForm(page, 'akadmin', ADMIN_PASSWORD, /\/if\/admin\/core\/providers$/);
    await page.getByRole('heading', { level: 1, name: 'Providers' }).waitFor();
    await side('Dashboard').click();
    await page.getByText('Applications', { exact: true }).first().waitFor();
    await screenshot(page, 'dashboard');
  });

  it('reaches the sidebar links and form controls with Tab, with a visible focus ring', async () => {
    await page.goto(`${server.url}/if/admin/`);
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''"));
    }
    assert.ok(
      seen.includes('Applications') && seen.includes('Providers'),
      `focus went to ${seen.join(' | ')}`,
    );
    const outline = await page.evaluate<string>(FOCUSED_OUTLINE);
    assert.notEqual(outline, 'none', 'the focused link shows an outline');
    await side('Providers').click();
    await page.getByRole('button', { name: 'Create proxy provider' }).click();
    // showModal() moves focus into the dialog once it has rendered: focus the field after that.
    await page.locator('dialog[open]').waitFor();
    await page.getByLabel('Provider name').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'field-authorization_flow');
    assert.notEqual(await page.evaluate<string>(FOCUSED_OUTLINE), 'none');
    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'detached' });
  });

  it('creates a forward_single proxy provider (seed 002 step 6)', async () => {
    await page.getByRole('button', { name: 'Create proxy provider' }).click();
    await page.getByLabel('Provider name').fill('hello-world-provider');
    // The flows are proposed once their lists arrive (each list separately: wait for both).
    await waitForOptions(page, 'authorization_flow', 'invalidation_flow');
    await page.getByLabel('Forward auth (single application)').check();
    await page.getByLabel('External host').fill('https://hello.yourdomain.com');
    await page.locator('dialog').getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/if\/admin\/core\/providers\/\d+$/);
    providerPk = Number(page.url().split('/').pop());
    const provider = await api<{ mode: string; external_host: string; name: string }>(
      'GET',
      `/providers/proxy/${providerPk}/`,
    );
    assert.equal(provider.mode, 'forward_single');
    assert.equal(provider.external_host, 'https://hello.yourdomain.com');
  });

  it('creates the application with that provider (step 7), and shows a server error at its field', async () => {
    await side('Applications').click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const dialog = page.locator('dialog');
    await dialog.getByLabel(/^Name\b/).fill('hello-world');
    await dialog.getByLabel('Use an existing provider').check();
    await dialog
      .getByLabel('Existing provider', { exact: true })
      .selectOption({ label: 'hello-world-provider (Proxy Provider)' });
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    const app = await api<{ provider: number; slug: string }>('GET', '/core/applications/hello-world/');
    assert.equal(app.provider, providerPk);
    await page.getByRole('cell', { name: 'hello-world-provider' }).waitFor();
    await screenshot(page, 'applications');

    // The same slug again: the server's 400 is shown at the slug field, and nothing is created.
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByLabel(/^Name\b/).fill('hello-world');
    await dialog.getByLabel('No provider').check();
    session.browserErrors.allowOnce(/status of 400 .*\/api\/v3\/core\/applications\/\)$/);
    await dialog.getByRole('button', { name: 'Create' }).click();
    const message = dialog.locator('#error-slug');
    await message.waitFor();
    assert.match((await message.textContent()) ?? '', /already exists/);
    assert.equal(await dialog.locator('#field-slug').getAttribute('aria-invalid'), 'true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('adds the application to the embedded outpost (step 8)', async () => {
    await side('Outposts').click();
    await page.getByRole('button', { name: 'Edit authentik Embedded Outpost' }).click();
    await page.locator(`#field-providers-${providerPk}`).check();
    await page.locator('dialog').getByRole('button', { name: 'Update' }).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    const outposts = await api<Paged<Outpost>>(
      'GET',
      '/outposts/instances/?name__iexact=authentik%20Embedded%20Outpost',
    );
    assert.deepEqual(outposts.results[0]?.providers, [providerPk]);
    await page.getByRole('cell', { name: 'hello-world-provider' }).waitFor();
  });

  it('fills the setup snippets with the provider and its outpost', async () => {
    await page.goto(`${server.url}/if/admin/core/providers/${providerPk}`);
    await page.getByRole('tab', { name: 'ingress-nginx' }).click();
    // The outpost's address arrives with the outposts list.
    await page.locator('#snippet-panel pre', { hasText: 'ak-outpost-authentik-embedded-outpost' }).waitFor();
    const text = (await page.locator('#snippet-panel pre').textContent()) ?? '';
    assert.match(
      text,
      /http:\/\/ak-outpost-authentik-embedded-outpost\.[a-z0-9-]+\.svc\.cluster\.local:9000\/outpost\.goauthentik\.io\/auth\/nginx/,
    );
    assert.match(
      text,
      /https:\/\/hello\.yourdomain\.com\/outpost\.goauthentik\.io\/start\?rd=\$escaped_request_uri/,
    );
    await screenshot(page, 'provider-snippets');
    await side('Providers').click();
    await page.getByRole('cell', { name: 'hello-world' }).first().waitFor();
    await screenshot(page, 'providers');
  });

  it('refuses a bad Advanced settings value before saving, then creates the outpost (seed 000)', async () => {
    await side('Outposts').click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const dialog = page.locator('dialog');
    await dialog.getByLabel(/^Name\b/).fill('k8s outpost');
    await dialog.getByLabel('Type').selectOption('proxy');
    await dialog.locator(`#field-providers-${providerPk}`).check();
    await dialog.getByText('Advanced settings').click();
    const settings = dialog.getByLabel('Configuration (YAML)');
    await dialog.getByRole('button', { name: 'Create' }).waitFor();
    const yaml = await settings.inputValue();
    assert.match(yaml, /^kubernetes_replicas: 1$/m, 'prefilled from default_settings');
    await settings.fill(yaml.replace(/^kubernetes_replicas: 1$/m, 'kubernetes_replicas: "three"'));
    await dialog.getByRole('button', { name: 'Create' }).click();
    const error = dialog.locator('#error-config');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /kubernetes_replicas: must be a non-negative integer/);
    const none = await api<Paged<Outpost>>('GET', '/outposts/instances/?name__iexact=k8s%20outpost');
    assert.equal(none.results.length, 0, 'nothing was saved');

    const fixed = yaml
      .replace(/^kubernetes_replicas: 1$/m, 'kubernetes_replicas: 2')
      .replace(/^authentik_host: .*$/m, `authentik_host: ${server.url}/`);
    await settings.fill(fixed);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    const created = await api<Paged<Outpost>>('GET', '/outposts/instances/?name__iexact=k8s%20outpost');
    assert.equal(created.results[0]?.config.kubernetes_replicas, 2);
    assert.deepEqual(created.results[0]?.providers, [providerPk]);
    // One instance of the new outpost connects, as a deployed outpost would (the embedded one runs in the core).
    const outpost = created.results[0];
    assert.ok(outpost);
    const key = (await api<{ key: string }>('GET', `/core/tokens/${outpost.token_identifier}/view_key/`)).key;
    instance = await connectInstance(server.url, outpost.pk, key);
    await page.reload();
    await page.getByText(/outpost-e2e · version 0\.1\.0 · last seen/).waitFor();
    await screenshot(page, 'outposts');
  });

  it('shows deployment info: the token masked in the environment and the compose file until asked, a placeholder for a loopback authentik_host, and the Kubernetes manifests', async () => {
    const outpost = (await api<Paged<Outpost>>('GET', '/outposts/instances/?name__iexact=k8s%20outpost'))
      .results[0];
    assert.ok(outpost);
    const key = (await api<{ key: string }>('GET', `/core/tokens/${outpost.token_identifier}/view_key/`)).key;
    await page.getByRole('button', { name: 'View deployment info of k8s outpost' }).click();
    const dialog = page.locator('dialog');
    const env = dialog.getByLabel('Environment', { exact: true });
    const compose = dialog.getByLabel('docker-compose.yml', { exact: true });
    await compose.getByText('AUTHENTIK_TOKEN: ••••••••').waitFor();
    for (const block of [env, compose])
      assert.doesNotMatch(
        (await block.textContent()) ?? '',
        new RegExp(key),
        'the token is hidden until asked for',
      );
    // This server's own address is loopback (127.0.0.1): inside a container it would be the container.
    assert.ok(!((await compose.textContent()) ?? '').includes(server.url), 'no loopback AUTHENTIK_HOST');
    await dialog.getByText(`AUTHENTIK_HOST=<set me: the core's URL as this outpost reaches it>`).waitFor();
    await dialog
      .getByText(
        /authentik_host is http:\/\/127\.0\.0\.1:\d+\/, a loopback address .*AUTHENTIK_HOST is a placeholder/,
      )
      .waitFor();
    await screenshot(page, 'deployment-info-masked');
    await dialog.getByRole('button', { name: 'Show token' }).click();
    await dialog.getByText(`AUTHENTIK_TOKEN=${key}`).waitFor();
    await compose.getByText(`AUTHENTIK_TOKEN: ${key}`).waitFor();
    await dialog.getByRole('tab', { name: 'Kubernetes' }).click();
    await dialog.getByText('kind: Deployment').waitFor();
    await dialog.getByText('image: ghcr.io/palisade/outpost:0.1.0').waitFor();
    await screenshot(page, 'deployment-info');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('opens every other list of the sidebar with its rows', async () => {
    for (const name of ['Certificates', 'Users', 'Groups', 'Tokens', 'Flows']) {
      await page.getByRole('link', { name }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.locator('tbody tr').first().waitFor();
    }
  });

  it('shows the users table whole at 1280x800: every row action inside the table, no sideways scrolling', async () => {
    // Long values, as real directories have: they must not push the actions out of the frame.
    await api('POST', '/core/users/', {
      username: 'alexandra.montgomery-fitzgerald',
      name: 'Alexandra Montgomery-Fitzgerald',
      email: 'alexandra.montgomery-fitzgerald@engineering.example.com',
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/if/admin/identity/users`);
    const row = page.locator('tbody tr', { hasText: 'akadmin' });
    await row.getByRole('button', { name: 'MFA devices of akadmin' }).waitFor();
    await page.getByText('alexandra.montgomery-fitzgerald@engineering.example.com').waitFor();
    await screenshot(page, 'users-1280');
    const wrap = page.locator('.table-wrap');
    const [scrollWidth, clientWidth] = await wrap.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    assert.ok(scrollWidth <= clientWidth, `the table fits its frame (${scrollWidth} > ${clientWidth})`);
    const frame = await wrap.boundingBox();
    for (const name of ['Edit akadmin', 'MFA devices of akadmin', 'Delete akadmin']) {
      const box = await row.getByRole('button', { name }).boundingBox();
      assert.ok(box && frame, name);
      assert.ok(box.x + box.width <= frame.x + frame.width, `${name} is not clipped`);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('works at phone width: the sidebar folds into a menu', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/if/admin/outpost/outposts`);
    await page.getByText('Healthy').first().waitFor();
    assert.equal(await page.locator('#sidebar').isVisible(), false);
    await screenshot(page, 'phone-outposts');
    await page.getByRole('button', { name: 'Menu' }).click();
    await side('Applications').click();
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 390, `no horizontal scrolling at phone width (${width}px)`);
    await screenshot(page, 'phone-applications');
  });

  it('has the outposts list screenshot the README shows, committed under docs/images/', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.match(readme, /!\[[^\]]*outposts[^\]]*\]\(docs\/images\/outposts\.png\)/);
    assert.ok(existsSync(join(REPO_ROOT, 'docs', 'images', 'outposts.png')));
    assert.ok(existsSync(join(SCREENSHOT_DIR, 'outposts.png')), 'this run saved a fresh one to copy there');
  });

  it('ran without a console error or page error', () => {
    console.log(`screenshots in ${SCREENSHOT_DIR}`);
    assert.deepEqual(session.errors, []);
  });
});
