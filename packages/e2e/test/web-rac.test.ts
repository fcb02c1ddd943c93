import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type ConsoleSession,
  screenshot,
  startConsoleSession,
  unlabelledControls,
  waitForOptions,
} from './web-support.ts';

interface Paged<T> {
  results: T[];
}
interface Mapping {
  pk: string;
  name: string;
  static_settings: Record<string, unknown>;
}
interface RacProvider {
  pk: number;
  name: string;
  settings: Record<string, unknown>;
  connection_expiry: string;
  property_mappings: string[];
}
interface Endpoint {
  pk: string;
  name: string;
  host: string;
  protocol: string;
  maximum_connections: number;
  settings: Record<string, unknown>;
  launch_url: string | null;
}

describe('RAC screens of the admin interface in a real browser, checked through the API', () => {
  let session: ConsoleSession;
  let page: Page;
  const api = <T = unknown>(method: string, path: string, body?: unknown) =>
    session.api<T>(method, path, body);
  const side = (name: string) => page.locator('#sidebar').getByRole('link', { name, exact: true });
  const dialog = () => page.locator('dialog');
  const submit = async (label: string) => {
    await dialog().getByRole('button', { name: label, exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
  };

  before(async () => {
    session = await startConsoleSession({ signInAt: '/core/providers' });
    page = session.page;
  });
  after(async () => {
    await session?.stop();
  });

  it('creates a property mapping whose password is never shown again', async () => {
    await side('RAC Property Mappings').click();
    await page.getByRole('button', { name: 'Create RAC property mapping' }).click();
    await dialog().getByLabel(/^Name/).fill('ops login');
    await dialog().getByLabel('Static settings').fill('{"username": "ops", "password": "mapping-pw"}');
    await submit('Create');
    const [mapping] = (await api<Paged<Mapping>>('GET', '/propertymappings/provider/rac/?name=ops%20login'))
      .results;
    assert.deepEqual(mapping?.static_settings, { username: 'ops' });
    await page.getByRole('button', { name: 'Edit ops login' }).click();
    const shown = await dialog().getByLabel('Static settings').inputValue();
    assert.ok(!shown.includes('mapping-pw'), 'the edit form never shows the password');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
  });

  it('creates an RAC provider with settings and the mapping, refusing settings that are not JSON', async () => {
    await side('Providers').click();
    await page.getByRole('button', { name: 'Create RAC provider' }).click();
    await waitForOptions(page, 'authorization_flow');
    await dialog().getByLabel('Provider name').fill('Desktops');
    await dialog().getByLabel('Connection expiry').fill('hours=2');
    await dialog().getByLabel('ops login').check();
    await dialog()
      .getByLabel(/^Settings/)
      .fill('{"color-depth": 24,');
    await dialog().getByRole('button', { name: 'Create', exact: true }).click();
    await dialog().locator('#error-settings').waitFor();
    await dialog()
      .getByLabel(/^Settings/)
      .fill('{"color-depth": 24}');
    assert.deepEqual(await unlabelledControls(page), []);
    await submit('Create');
    const [provider] = (await api<Paged<RacProvider>>('GET', '/providers/rac/?name__iexact=desktops'))
      .results;
    assert.equal(provider?.connection_expiry, 'hours=2');
    assert.deepEqual(provider?.settings, { 'color-depth': 24 });
    assert.equal(provider?.property_mappings.length, 1);
    await api('POST', '/core/applications/', { name: 'Desktops', slug: 'desktops', provider: provider?.pk });
  });

  it('creates an endpoint of the provider and shows its launch URL', async () => {
    await side('RAC Endpoints').click();
    await page.getByRole('button', { name: 'Create RAC endpoint' }).click();
    await waitForOptions(page, 'provider');
    await dialog().getByLabel(/^Name/).fill('Build box');
    await dialog()
      .getByLabel(/^Provider/)
      .selectOption({ label: 'Desktops' });
    await dialog().getByLabel('Protocol').selectOption('ssh');
    await dialog().getByLabel(/^Host/).fill('build.internal:2222');
    await dialog().getByLabel('Maximum connections').fill('-1');
    await dialog()
      .getByLabel(/^Settings/)
      .fill('{"username": "builder", "private-key": "-----BEGIN KEY-----"}');
    assert.deepEqual(await unlabelledControls(page), []);
    await submit('Create');
    const [endpoint] = (await api<Paged<Endpoint>>('GET', '/rac/endpoints/?superuser_full_list=true'))
      .results;
    assert.deepEqual(
      [endpoint?.name, endpoint?.protocol, endpoint?.host, endpoint?.maximum_connections],
      ['Build box', 'ssh', 'build.internal:2222', -1],
    );
    assert.deepEqual(endpoint?.settings, { username: 'builder' });
    await page.getByText(`/application/rac/desktops/${endpoint?.pk}/`).waitFor();
    await screenshot(page, 'rac-endpoints');
    // The user interface lists it as a launch card.
    await page.goto(`${session.server.url}/if/user/`);
    const card = page.locator(`#rac-endpoints a[data-endpoint="${endpoint?.pk}"]`);
    await card.waitFor();
    assert.equal(await card.getAttribute('href'), `/application/rac/desktops/${endpoint?.pk}/`);
  });

  it('ran without a console error or page error', () => {
    assert.deepEqual(session.errors, []);
  });
});
