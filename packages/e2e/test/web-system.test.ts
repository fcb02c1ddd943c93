import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
// The core's private dockerd for tests: a real daemon on its own socket, so the Docker state is real.
import {
  dockerdUnavailable,
  startDockerd,
  type TestDockerd,
} from '../../core/test/integrations/docker/support/dockerd.ts';
import { freePort } from '../src/server-process.ts';
import {
  type ConsoleSession,
  screenshot,
  startConsoleSession,
  unlabelledControls,
  waitForOptions,
} from './web-support.ts';

interface Paged<T> {
  results: T[];
  pagination: { count: number };
}
interface Connection {
  pk: string;
  name: string;
  local: boolean;
}
interface Outpost {
  pk: string;
  name: string;
  service_connection: string | null;
  service_connection_obj: { name: string } | null;
}
interface Task {
  actor_name: string;
  rel_obj_id: string | null;
  aggregated_status: string;
  logs: Array<{ event: string }>;
}

const dockerSkip = dockerdUnavailable();

describe('admin system screens in a real browser: integrations, outposts through them, tasks, events', () => {
  let session: ConsoleSession;
  let page: Page;
  let dockerd: TestDockerd | undefined;
  const api = <T = unknown>(method: string, path: string, body?: unknown) =>
    session.api<T>(method, path, body);
  const side = (name: string) => page.locator('#sidebar').getByRole('link', { name, exact: true });
  const dialog = () => page.locator('dialog');
  const submit = async (label: string) => {
    await dialog().getByRole('button', { name: label, exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
  };
  const connectionNamed = async (name: string) =>
    (
      await api<Paged<Connection>>(
        'GET',
        `/outposts/service_connections/all/?name=${encodeURIComponent(name)}`,
      )
    ).results[0];

  before(async () => {
    if (!dockerSkip) dockerd = await startDockerd([], { bridge: false });
    session = await startConsoleSession({ signInAt: '/outpost/integrations' });
    ({ page } = session);
  });
  after(async () => {
    await session?.stop();
    await dockerd?.stop();
  });

  it(
    'creates a Docker integration and shows it healthy with the daemon’s version (seed 002)',
    { skip: dockerSkip },
    async () => {
      assert.ok(dockerd);
      await page.getByRole('button', { name: 'Create Docker integration' }).click();
      await waitForOptions(page, 'tls_verification', 'tls_authentication');
      await dialog().getByLabel(/^Name/).fill('Test Docker');
      await dialog()
        .getByLabel(/^Docker URL/)
        .fill(`unix://${dockerd.socket}`);
      assert.deepEqual(await unlabelledControls(page), []);
      await submit('Create');
      const connection = await connectionNamed('Test Docker');
      assert.ok(connection);
      const docker = await api<{ url: string; tls_verification: string | null }>(
        'GET',
        `/outposts/service_connections/docker/${connection.pk}/`,
      );
      assert.equal(docker.url, `unix://${dockerd.socket}`);
      assert.equal(docker.tls_verification, null);
      const version = (await dockerd.docker('version', '--format', '{{.Server.Version}}')).trim();
      await page.getByText(`Healthy · version ${version}`).waitFor();
    },
  );

  it('refuses a kubeconfig that is not a YAML mapping before saving, then creates the Kubernetes integration', async () => {
    await page.getByRole('button', { name: 'Create Kubernetes integration' }).click();
    await dialog().getByLabel(/^Name/).fill('Test cluster');
    const kubeconfig = dialog().getByLabel('Kubeconfig (YAML)');
    await dialog().getByRole('button', { name: 'Create', exact: true }).waitFor();
    assert.deepEqual(await unlabelledControls(page), []);
    await kubeconfig.fill('- just\n- a list');
    await dialog().getByRole('button', { name: 'Create', exact: true }).click();
    const error = dialog().locator('#error-kubeconfig');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /must be a YAML mapping/);
    assert.equal(await connectionNamed('Test cluster'), undefined, 'nothing was saved');

    // A cluster nobody listens on: the integration is saved, and its state says it cannot be reached.
    const port = await freePort();
    await kubeconfig.fill(
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: test',
        'contexts:',
        '  - name: test',
        '    context: { cluster: test, user: palisade }',
        'clusters:',
        '  - name: test',
        `    cluster: { server: "https://127.0.0.1:${port}" }`,
        'users:',
        '  - name: palisade',
        '    user: { token: not-a-real-token }',
      ].join('\n'),
    );
    await submit('Create');
    const connection = await connectionNamed('Test cluster');
    assert.ok(connection);
    const k8s = await api<{
      kubeconfig: { clusters: Array<{ cluster: { server: string } }> };
      verify_ssl: boolean;
    }>('GET', `/outposts/service_connections/kubernetes/${connection.pk}/`);
    assert.equal(k8s.kubeconfig.clusters[0]?.cluster.server, `https://127.0.0.1:${port}`);
    assert.equal(k8s.verify_ssl, true);
    const row = page.getByRole('row', { name: /Test cluster/ });
    await row.getByText('Unhealthy').waitFor();
    await screenshot(page, 'integrations');

    // Editing shows the saved kubeconfig as YAML.
    await page.getByRole('button', { name: 'Edit Test cluster' }).click();
    await dialog().getByRole('button', { name: 'Update', exact: true }).waitFor();
    assert.match(await kubeconfig.inputValue(), new RegExp(`server: https://127.0.0.1:${port}`));
    await dialog().getByLabel("Verify the cluster's TLS certificate").uncheck();
    await submit('Update');
    const edited = await api<{ verify_ssl: boolean }>(
      'GET',
      `/outposts/service_connections/kubernetes/${connection.pk}/`,
    );
    assert.equal(edited.verify_ssl, false);
  });

  it('creates an outpost through an integration picked in its form (seed 000), and lists it with it', async () => {
    const connection = await connectionNamed('Test cluster');
    assert.ok(connection);
    // An application for it to serve, made through the API (the console's own wizard is tested elsewhere).
    const flows = await api<Paged<{ pk: string; slug: string }>>('GET', '/flows/instances/?page_size=100');
    const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
    const provider = await api<{ pk: number }>('POST', '/providers/proxy/', {
      name: 'whoami-provider',
      authorization_flow: flow('default-provider-authorization-implicit-consent'),
      invalidation_flow: flow('default-invalidation-flow'),
      mode: 'forward_single',
      external_host: 'https://whoami.example.com',
    });
    await api('POST', '/core/applications/', { name: 'whoami', slug: 'whoami', provider: provider.pk });
    await side('Outposts').click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog().getByLabel(/^Name/).fill('cluster outpost');
    await dialog().locator(`#field-providers-${provider.pk}`).check();
    const integration = dialog().getByLabel('Integration');
    await integration.locator(`option[value="${connection.pk}"]`).waitFor({ state: 'attached' });
    if (!dockerSkip)
      await integration.locator('option', { hasText: 'Test Docker' }).waitFor({ state: 'attached' });
    await integration.selectOption(connection.pk);
    await dialog().getByRole('button', { name: 'Create', exact: true }).waitFor();
    await submit('Create');
    const outposts = await api<Paged<Outpost>>('GET', '/outposts/instances/?name__iexact=cluster%20outpost');
    const outpost = outposts.results[0];
    assert.equal(outpost?.service_connection, connection.pk);
    assert.equal(outpost?.service_connection_obj?.name, 'Test cluster');
    await page
      .getByRole('row', { name: /cluster outpost/ })
      .getByRole('link', { name: 'Test cluster' })
      .waitFor();
  });

  it('shows the controller’s run for that outpost in System Tasks, with its log lines on demand', async () => {
    const outpost = (await api<Paged<Outpost>>('GET', '/outposts/instances/?name__iexact=cluster%20outpost'))
      .results[0];
    assert.ok(outpost);
    await side('System Tasks').click();
    const row = page.getByRole('row', { name: new RegExp(`${outpost.pk}/kubernetes`) });
    // The controller runs once the outpost is saved; wait (up to 30 s) for its run to finish.
    const finished = async () =>
      (await api<Paged<Task>>('GET', `/tasks/tasks/?rel_obj_id=${outpost.pk}`)).results.find(
        (t) => t.aggregated_status !== 'running',
      );
    const deadline = Date.now() + 30_000;
    let task = await finished();
    while (!task && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      task = await finished();
    }
    assert.ok(task && task.logs.length > 0);
    await page.reload();
    await row.locator('.status', { hasText: task.aggregated_status }).waitFor();
    const firstLine = task.logs[0]?.event ?? '';
    assert.equal(
      await row.getByText(firstLine, { exact: false }).first().isVisible(),
      false,
      'folded at first',
    );
    await row.getByText(/\d+ log lines?/).click();
    await row.getByText(firstLine, { exact: false }).first().waitFor();
    await screenshot(page, 'system-tasks');
  });

  it('lists events newest first, with search, sorting and pages', async () => {
    // The admin's own sign-in (and anything earlier in this file) is already an event: count from there.
    const before = (await api<Paged<unknown>>('GET', '/events/events/?page_size=1')).pagination.count;
    const total = before + 23;
    for (let i = 1; i <= 22; i++) {
      await api('POST', '/events/events/', {
        action: 'login',
        app: 'authentik.providers.ldap',
        client_ip: `10.0.0.${i}`,
        user: { username: `user${i}` },
      });
    }
    await api('POST', '/events/events/', {
      action: 'configuration_error',
      app: 'authentik.outposts.radius',
      context: { message: 'shared secret mismatch' },
    });
    await side('Events').click();
    const body = page.locator('tbody');
    await body.locator('tr').first().waitFor();
    assert.deepEqual(await unlabelledControls(page), [], 'the search box has its label');
    // Newest first: the configuration error heads the first page of 20.
    await body.locator('tr').first().getByText('configuration_error').waitFor();
    assert.equal(await body.locator('tr').count(), 20);
    await page.getByText(`1–20 of ${total}`).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`21–${total} of ${total}`).waitFor();
    await body.getByRole('cell', { name: 'user1', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Action', exact: true }).click();
    await page.getByText(`1–20 of ${total}`).waitFor();
    await body.locator('tr').first().getByText('configuration_error').waitFor();
    assert.equal(
      await page.getByRole('columnheader', { name: /Action/ }).getAttribute('aria-sort'),
      'ascending',
    );

    await page.getByLabel('Search events').fill('secret mismatch');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await body.locator('tr').first().getByText('configuration_error').waitFor();
    await page.getByText(`1–20 of ${total}`).waitFor({ state: 'detached' });
    assert.equal(await body.locator('tr').count(), 1);
    await body.locator('summary', { hasText: 'message' }).click();
    await body.getByText(/shared secret mismatch/).waitFor();
    await screenshot(page, 'events');
  });

  it('deletes an integration after asking; its outpost falls back to none', async () => {
    const connection = await connectionNamed('Test cluster');
    assert.ok(connection);
    await side('Outpost Integrations').click();
    await page.getByRole('button', { name: 'Delete Test cluster' }).click();
    await submit('Delete');
    assert.equal(await connectionNamed('Test cluster'), undefined);
    const outpost = (await api<Paged<Outpost>>('GET', '/outposts/instances/?name__iexact=cluster%20outpost'))
      .results[0];
    assert.equal(outpost?.service_connection, null);
    assert.equal(outpost?.service_connection_obj, null);
    await page.getByRole('row', { name: /Test cluster/ }).waitFor({ state: 'detached' });
  });

  it('fits a phone: the integrations list stacks', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await side('Outpost Integrations').click();
    await page.getByRole('heading', { level: 1, name: 'Outpost Integrations' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    // The link of the screen already shown closes the menu too.
    assert.equal(await page.locator('#sidebar').isVisible(), false, 'the menu folded again');
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 390, `no horizontal scrolling at phone width (${width}px)`);
    await screenshot(page, 'phone-integrations');
  });

  it('ran without a console error or page error', () => {
    assert.deepEqual(session.errors, []);
  });
});
