import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { startServingOutpost } from '../src/outpost-process.ts';
import {
  ADMIN_PASSWORD,
  type ConsoleSession,
  screenshot,
  startConsoleSession,
  submitDialog,
  submitRefused,
  unlabelledControls,
  waitForOptions,
} from './web-support.ts';

interface Paged<T> {
  results: T[];
}
interface Attribute {
  type: number;
  vendor_id: number | null;
  data_type: string;
  tag: number | null;
  value: string;
  name: string;
}
interface Mapping {
  pk: string;
  name: string;
  attributes: Attribute[];
}
interface Common {
  pk: number;
  name: string;
  authorization_flow: string;
  invalidation_flow: string;
  property_mappings: string[];
  outpost_set: string[];
}
interface RadiusProvider extends Common {
  client_networks: string;
  shared_secret: string;
  mfa_support: boolean;
  certificate: string | null;
}
interface LdapProvider extends Common {
  base_dn: string;
  certificate: string | null;
  tls_server_name: string;
  uid_start_number: number;
  gid_start_number: number;
  search_mode: string;
  bind_mode: string;
  mfa_support: boolean;
  search_group: string | null;
}
interface Outpost {
  pk: string;
  name: string;
  token_identifier: string;
  type: string;
  providers: number[];
}

/** Runs a program and answers its standard output (rejecting, with its output, on a non-zero exit). */
const run = async (program: string, args: string[], options: { env: NodeJS.ProcessEnv }) =>
  (await promisify(execFile)(program, args, { ...options, timeout: 30_000 })).stdout;

/** An attribute as the API resolves it (the dictionary's numbers, values normalised). */
const attribute = (
  name: string,
  type: number,
  data_type: string,
  value: string,
  extra: { vendor_id?: number; tag?: number } = {},
): Attribute => ({
  type,
  vendor_id: extra.vendor_id ?? null,
  data_type,
  tag: extra.tag ?? null,
  value,
  name,
});

describe('LDAP and RADIUS screens of the admin interface in a real browser, checked through the API', () => {
  let session: ConsoleSession;
  let page: Page;
  const api = <T = unknown>(method: string, path: string, body?: unknown) =>
    session.api<T>(method, path, body);
  const firstOf = async <T>(path: string) => (await api<Paged<T>>('GET', path)).results[0];
  const side = (name: string) => page.locator('#sidebar').getByRole('link', { name, exact: true });
  const dialog = () => page.locator('dialog');
  const submit = (label: string) => submitDialog(page, label);
  const row = (i: number, part: string) => dialog().locator(`#field-attributes-${i}-${part}`);
  const flowPk = async (slug: string) =>
    (await firstOf<{ pk: string }>(`/flows/instances/?slug=${slug}`))?.pk;
  /** Runs the outpost named `name` as its deployment would, with its own token (read as the console does). */
  const serve = async (name: string, listeners: string[]) => {
    const outpost = await firstOf<Outpost>(`/outposts/instances/?name__iexact=${name}`);
    const { key } = await api<{ key: string }>('GET', `/core/tokens/${outpost?.token_identifier}/view_key/`);
    return startServingOutpost({ coreUrl: session.server.url, token: key, listeners });
  };
  let mapping: Mapping | undefined;
  let radius: RadiusProvider | undefined;
  let ldap: LdapProvider | undefined;

  before(async () => {
    session = await startConsoleSession({ signInAt: '/core/providers' });
    page = session.page;
  });
  after(async () => {
    await session?.stop();
  });

  it('creates a RADIUS property mapping with VLAN and vendor attributes, a bad value refused at its row', async () => {
    await side('RADIUS Property Mappings').click();
    await page.getByRole('button', { name: 'Create RADIUS property mapping' }).click();
    await dialog().getByLabel(/^Name/).first().fill('Staff VLAN');
    await row(0, 'name').fill('Tunnel-Type');
    await row(0, 'value').fill('VLAN');
    const add = dialog().getByRole('button', { name: 'Add attribute' });
    await add.click();
    await row(1, 'name').fill('Tunnel-Medium-Type');
    await row(1, 'value').fill('IEEE-802');
    await add.click();
    await row(2, 'name').fill('Tunnel-Private-Group-Id');
    // A tagged attribute offers its tag once the name is known.
    await row(2, 'tag').fill('1');
    await row(2, 'value').fill('42');
    await add.click();
    await row(3, 'by').selectOption('number');
    await row(3, 'vendor_id').fill('14823');
    await row(3, 'type').fill('1');
    await row(3, 'value').fill('staff');
    await add.click();
    await row(4, 'name').fill('Session-Timeout');
    await row(4, 'value').fill('soon');
    assert.deepEqual(await unlabelledControls(page), []);
    const message = await submitRefused(
      session,
      'Create',
      /\/api\/v3\/propertymappings\/provider\/radius\/\)$/,
      'attributes-4',
    );
    assert.match((await message.textContent()) ?? '', /Session-Timeout must be a whole number/);
    await screenshot(page, 'radius-property-mapping-form');
    assert.equal(
      (await api<Paged<Mapping>>('GET', '/propertymappings/provider/radius/')).results.length,
      0,
      'nothing was saved',
    );
    await row(4, 'value').fill('3600');
    await submit('Create');
    mapping = await firstOf<Mapping>('/propertymappings/provider/radius/');
    assert.equal(mapping?.name, 'Staff VLAN');
    assert.deepEqual(mapping?.attributes, [
      attribute('Tunnel-Type', 64, 'integer', '13', { tag: 0 }),
      attribute('Tunnel-Medium-Type', 65, 'integer', '6', { tag: 0 }),
      attribute('Tunnel-Private-Group-Id', 81, 'string', '42', { tag: 1 }),
      attribute('Aruba-User-Role', 1, 'string', 'staff', { vendor_id: 14823 }),
      attribute('Session-Timeout', 27, 'integer', '3600'),
    ]);
  });

  it('edits the mapping: the rows come back by name, a value changes and a row goes', async () => {
    await page.getByRole('button', { name: 'Edit Staff VLAN' }).click();
    assert.equal(await row(0, 'value').inputValue(), 'VLAN', 'an enumerated value shows by its name');
    assert.equal(await row(3, 'name').inputValue(), 'Aruba-User-Role');
    await row(2, 'value').fill('43');
    await dialog().getByRole('button', { name: 'Remove attribute 5' }).click();
    await submit('Update');
    const edited = await api<Mapping>('GET', `/propertymappings/provider/radius/${mapping?.pk}/`);
    assert.deepEqual(
      edited.attributes.map((a) => [a.name, a.value]),
      [
        ['Tunnel-Type', '13'],
        ['Tunnel-Medium-Type', '6'],
        ['Tunnel-Private-Group-Id', '43'],
        ['Aruba-User-Role', 'staff'],
      ],
    );
    await page.getByText('Tunnel-Private-Group-Id:1 = "43"').waitFor();
    await screenshot(page, 'radius-property-mappings');
  });

  it('creates a RADIUS provider with the mapping, an invalid CIDR refused at its field', async () => {
    await side('Providers').click();
    await page.getByRole('button', { name: 'Create RADIUS provider' }).click();
    await waitForOptions(page, 'authorization_flow', 'invalidation_flow');
    await dialog().getByLabel('Provider name').fill('Wi-Fi');
    await dialog()
      .getByLabel(/^Client networks/)
      .fill('10.20.0.1/16');
    await dialog()
      .getByLabel(/^Shared secret/)
      .fill('nas-secret-1');
    await dialog()
      .getByLabel(/^MFA support/)
      .uncheck();
    await dialog().getByLabel('Staff VLAN').check();
    const message = await submitRefused(
      session,
      'Create',
      /\/api\/v3\/providers\/radius\/\)$/,
      'client_networks',
    );
    assert.match((await message.textContent()) ?? '', /host bits set/);
    assert.equal(await firstOf('/providers/radius/?name__iexact=wi-fi'), undefined, 'nothing was saved');
    await dialog()
      .getByLabel(/^Client networks/)
      .fill('10.20.0.0/16, 192.0.2.7/32');
    assert.deepEqual(await unlabelledControls(page), []);
    await submit('Create');
    radius = await firstOf<RadiusProvider>('/providers/radius/?name__iexact=wi-fi');
    assert.equal(radius?.client_networks, '10.20.0.0/16, 192.0.2.7/32');
    assert.equal(radius?.shared_secret, 'nas-secret-1');
    assert.equal(radius?.mfa_support, false);
    assert.equal(radius?.certificate, null);
    assert.deepEqual(radius?.property_mappings, [mapping?.pk]);
    assert.equal(radius?.authorization_flow, await flowPk('default-authentication-flow'));
    assert.equal(radius?.invalidation_flow, await flowPk('default-provider-invalidation-flow'));

    // Edited from the list: the form holds what was saved, the secret included.
    await page.getByRole('button', { name: 'Edit Wi-Fi' }).click();
    assert.equal(
      await dialog()
        .getByLabel(/^Shared secret/)
        .inputValue(),
      'nas-secret-1',
    );
    await dialog()
      .getByLabel(/^Client networks/)
      .fill('10.30.0.0/16,127.0.0.1/32');
    await submit('Update');
    radius = await api<RadiusProvider>('GET', `/providers/radius/${radius?.pk}/`);
    assert.equal(radius.client_networks, '10.30.0.0/16, 127.0.0.1/32');
    assert.equal(radius.shared_secret, 'nas-secret-1', 'the secret stays as it was');
  });

  it('creates an LDAP provider with every setting, a bad base DN refused at its field', async () => {
    const searchers = await api<{ pk: string }>('POST', '/core/groups/', { name: 'ldap searchers' });
    const pair = await api<{ pk: string }>('POST', '/crypto/certificatekeypairs/generate/', {
      common_name: 'ldap.example.com',
      subject_alt_name: 'ldap.example.com',
      validity_days: 30,
    });
    await page.getByRole('button', { name: 'Create LDAP provider' }).click();
    await waitForOptions(page, 'authorization_flow', 'search_group', 'certificate');
    await dialog().getByLabel('Provider name').fill('Directory');
    await dialog()
      .getByLabel(/^Base DN/)
      .fill('dc=example;dc=com');
    await dialog().getByLabel('Search full directory').selectOption({ label: 'ldap searchers' });
    await dialog().getByLabel('Search mode').selectOption('cached');
    await dialog().getByLabel('Bind mode').selectOption('cached');
    await dialog().getByLabel('Certificate').selectOption({ label: 'ldap.example.com' });
    await dialog().getByLabel('TLS server name').fill('ldap.example.com');
    await dialog().getByText('Advanced protocol settings').click();
    await dialog().getByLabel('uidNumber start').fill('5000');
    await dialog().getByLabel('gidNumber start').fill('6000');
    const message = await submitRefused(session, 'Create', /\/api\/v3\/providers\/ldap\/\)$/, 'base_dn');
    assert.match((await message.textContent()) ?? '', /unescaped ";"/);
    assert.equal(await firstOf('/providers/ldap/?name__iexact=directory'), undefined, 'nothing was saved');
    await dialog()
      .getByLabel(/^Base DN/)
      .fill('dc=example, dc=com');
    assert.deepEqual(await unlabelledControls(page), []);
    await submit('Create');
    ldap = await firstOf<LdapProvider>('/providers/ldap/?name__iexact=directory');
    assert.deepEqual(
      {
        base_dn: ldap?.base_dn,
        search_group: ldap?.search_group,
        search_mode: ldap?.search_mode,
        bind_mode: ldap?.bind_mode,
        certificate: ldap?.certificate,
        tls_server_name: ldap?.tls_server_name,
        uid_start_number: ldap?.uid_start_number,
        gid_start_number: ldap?.gid_start_number,
        mfa_support: ldap?.mfa_support,
        property_mappings: ldap?.property_mappings,
      },
      {
        base_dn: 'dc=example,dc=com',
        search_group: searchers.pk,
        search_mode: 'cached',
        bind_mode: 'cached',
        certificate: pair.pk,
        tls_server_name: 'ldap.example.com',
        uid_start_number: 5000,
        gid_start_number: 6000,
        mfa_support: true,
        property_mappings: [],
      },
    );
    assert.equal(ldap?.authorization_flow, await flowPk('default-authentication-flow'));
  });

  it('creates an LDAP and a RADIUS outpost with these providers from the outpost form', async () => {
    await api('POST', '/core/applications/', {
      name: 'Staff directory',
      slug: 'staff-directory',
      provider: ldap?.pk,
    });
    await api('POST', '/core/applications/', {
      name: 'Office Wi-Fi',
      slug: 'office-wifi',
      provider: radius?.pk,
    });
    for (const [name, type, application, provider] of [
      ['ldap-edge', 'ldap', 'Staff directory', ldap?.pk],
      ['radius-edge', 'radius', 'Office Wi-Fi', radius?.pk],
    ] as const) {
      await side('Outposts').click();
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await dialog().getByLabel(/^Name/).fill(name);
      await dialog().getByLabel(/^Type/).selectOption(type);
      await dialog().getByLabel(application).check();
      await submit('Create');
      const outpost = await firstOf<Outpost>(`/outposts/instances/?name__iexact=${name}`);
      assert.equal(outpost?.type, type);
      assert.deepEqual(outpost?.providers, [provider]);
    }
  });

  it("opens the LDAP provider's page: settings, outpost, DN layout, ldapsearch lines; edits it there", async () => {
    await side('Providers').click();
    await page.getByRole('link', { name: 'Directory', exact: true }).click();
    await page.waitForURL(new RegExp(`/if/admin/core/providers/ldap/${ldap?.pk}$`));
    const details = page.locator('.details');
    await details.getByText('ldap-edge').waitFor();
    await details.getByText('Members of ldap searchers').waitFor();
    const base = ldap?.base_dn ?? '';
    await page.locator('table.dn-layout').getByText(`ou=groups,${base}`, { exact: true }).waitFor();
    await page.getByRole('tab', { name: 'ldapsearch' }).click();
    // The lines bind as the signed-in admin once the page knows who that is.
    const panel = page.locator('#ldap-snippet-panel pre', { hasText: 'cn=akadmin,' });
    await panel.waitFor();
    const lines = (await panel.textContent()) ?? '';
    const host = 'ak-outpost-ldap-edge.default.svc.cluster.local';
    assert.ok(
      lines.includes(`ldapsearch -x -H ldaps://${host}:636 -D cn=akadmin,ou=users,${base} -W`),
      `the chosen outpost's Service and the provider's base DN: ${lines}`,
    );
    assert.ok(lines.includes(`-b ${base} '(objectClass=user)'`), lines);
    await page.getByLabel('Transport').selectOption('starttls');
    assert.ok(
      ((await page.locator('#ldap-snippet-panel pre').textContent()) ?? '').includes(
        `-ZZ -H ldap://${host}:389`,
      ),
    );
    await screenshot(page, 'ldap-provider');

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    assert.equal(
      await dialog()
        .getByLabel(/^Base DN/)
        .inputValue(),
      base,
    );
    await dialog().getByLabel('Bind mode').selectOption('direct');
    await submit('Update');
    await details.getByText('Direct: ask the core each time').waitFor();
    const edited = await api<LdapProvider>('GET', `/providers/ldap/${ldap?.pk}/`);
    assert.deepEqual([edited.bind_mode, edited.search_mode], ['direct', 'cached']);
  });

  it("the LDAP page's ldapwhoami and ldapsearch lines work against the real LDAP outpost", async () => {
    const served = await serve('ldap-edge', ['LDAP', 'LDAPS']);
    try {
      await page.getByLabel(/^Outpost host/).fill(`127.0.0.1:${served.ports.LDAPS}`);
      await page.getByLabel('Transport').selectOption('ldaps');
      /** A tab's lines as the shell runs them; `-W` asks a terminal, so the password goes with -w. */
      const linesOf = async (tab: string) => {
        await page.getByRole('tab', { name: tab }).click();
        const text = (await page.locator('#ldap-snippet-panel pre').textContent()) ?? '';
        assert.ok(text.includes(' -W'), text);
        return text.replaceAll(' -W', ` -w ${ADMIN_PASSWORD}`);
      };
      // The provider's certificate is the test's own self-signed one: the client is told not to check it.
      const env = { ...process.env, LDAPTLS_REQCERT: 'never', LDAPCONF: '/dev/null', LDAPRC: 'none' };
      const whoami = await run('/bin/sh', ['-c', await linesOf('ldapwhoami')], { env });
      assert.equal(whoami.trim(), `dn:cn=akadmin,ou=users,${ldap?.base_dn}`);
      // Its first line: every user akadmin may see (only themselves, not being in the search group).
      const [search] = (await linesOf('ldapsearch')).split('# the members');
      const found = await run('/bin/sh', ['-c', search ?? ''], { env });
      assert.deepEqual(
        found.split('\n').filter((line) => line.startsWith('dn: ')),
        [`dn: cn=akadmin,ou=users,${ldap?.base_dn}`],
      );
    } finally {
      await served.stop();
    }
  });

  it("opens the RADIUS provider's page: the secret only when asked, and radtest/radclient lines", async () => {
    await side('Providers').click();
    await page.getByRole('link', { name: 'Wi-Fi', exact: true }).click();
    await page.waitForURL(new RegExp(`/if/admin/core/providers/radius/${radius?.pk}$`));
    const details = page.locator('.details');
    await details.getByText('radius-edge').waitFor();
    await details.getByText('Staff VLAN').waitFor();
    await page.getByRole('tab', { name: 'radclient' }).click();
    const panel = page.locator('#radius-snippet-panel pre');
    assert.ok(
      !((await page.locator('main').textContent()) ?? '').includes('nas-secret-1'),
      'hidden at first',
    );
    assert.ok(((await panel.textContent()) ?? '').includes("auth '<shared secret>'"));
    await page.getByRole('button', { name: 'Show shared secret' }).click();
    await page.locator('#shared-secret').getByText('nas-secret-1').waitFor();
    const host = 'ak-outpost-radius-edge.default.svc.cluster.local';
    assert.ok(
      ((await panel.textContent()) ?? '').includes(`| radclient -x ${host}:1812 auth nas-secret-1`),
      (await panel.textContent()) ?? '',
    );
    await page.getByRole('tab', { name: 'NAS settings' }).click();
    assert.ok(((await panel.textContent()) ?? '').includes(`send from one of: ${radius?.client_networks}`));
    await screenshot(page, 'radius-provider');
  });

  it("the RADIUS page's radtest line gets an Access-Accept with the mapping's attributes from the real outpost", async () => {
    const served = await serve('radius-edge', ['RADIUS']);
    try {
      await page.getByLabel(/^Outpost address/).fill(`127.0.0.1:${served.ports.RADIUS}`);
      await page.getByRole('tab', { name: 'radtest' }).click();
      const panel = page.locator('#radius-snippet-panel pre', { hasText: 'radtest akadmin ' });
      const line = (await panel.textContent()) ?? '';
      assert.ok(line.includes(" 'PASSWORD' "), line);
      const reply = await run('/bin/sh', ['-c', line.replace(" 'PASSWORD' ", ` ${ADMIN_PASSWORD} `)], {
        env: process.env,
      });
      assert.match(reply, /Received Access-Accept/);
      assert.match(reply, /Tunnel-Private-Group-Id:1 = "43"/);
      assert.match(reply, /Aruba-User-Role = "staff"/);
    } finally {
      await served.stop();
    }
  });

  it('deletes the mapping, which unlinks it from the provider', async () => {
    await side('RADIUS Property Mappings').click();
    await page.getByRole('button', { name: 'Delete Staff VLAN' }).click();
    await submit('Delete');
    assert.equal((await api<Paged<Mapping>>('GET', '/propertymappings/provider/radius/')).results.length, 0);
    const provider = await api<RadiusProvider>('GET', `/providers/radius/${radius?.pk}/`);
    assert.deepEqual(provider.property_mappings, []);
  });

  it('ran without a console error or page error', () => {
    assert.deepEqual(session.errors, []);
  });
});
