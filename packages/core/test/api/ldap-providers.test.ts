import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { queryOne } from '../../src/db/database.ts';
import { insertGroup } from '../../src/identity/groups-repository.ts';
import { revealTokenKey } from '../../src/identity/tokens-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { flowPks } from '../support/flows.ts';

interface LdapBody {
  pk: number;
  name: string;
  base_dn: string;
  certificate: string | null;
  tls_server_name: string;
  uid_start_number: number;
  gid_start_number: number;
  search_mode: string;
  bind_mode: string;
  mfa_support: boolean;
  search_group: string | null;
  component: string;
  meta_model_name: string;
  verbose_name: string;
  outpost_set: string[];
}
type Page<T> = { results: T[]; pagination: { count: number } };

for (const backend of testBackends()) {
  describe(`LDAP providers API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let flows: Record<string, string>;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      flows = await flowPks(api);
    });
    after(() => t.close());

    const base = (name: string) => ({
      name,
      authorization_flow: flows['default-authentication-flow'],
      invalidation_flow: flows['default-invalidation-flow'],
    });
    const create = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/providers/ldap/', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as LdapBody;
    };
    const problems = async (method: 'post' | 'patch' | 'put', url: string, body: unknown) => {
      const res = await api[method](url, body);
      assert.equal(res.statusCode, 400, res.body);
      return res.json() as Record<string, string[]>;
    };

    it('creates a provider with the defaults an LDAP outpost expects, MFA support on', async () => {
      const created = await create(base('Directory'));
      assert.deepEqual(
        {
          base_dn: created.base_dn,
          certificate: created.certificate,
          tls_server_name: created.tls_server_name,
          uid_start_number: created.uid_start_number,
          gid_start_number: created.gid_start_number,
          search_mode: created.search_mode,
          bind_mode: created.bind_mode,
          mfa_support: created.mfa_support,
          search_group: created.search_group,
          outpost_set: created.outpost_set,
        },
        {
          base_dn: 'DC=ldap,DC=goauthentik,DC=io',
          certificate: null,
          tls_server_name: '',
          uid_start_number: 2000,
          gid_start_number: 4000,
          search_mode: 'direct',
          bind_mode: 'direct',
          mfa_support: true,
          search_group: null,
          outpost_set: [],
        },
      );
      assert.equal(created.component, 'ak-provider-ldap-form');
      assert.equal(created.meta_model_name, 'authentik_providers_ldap.ldapprovider');
      assert.equal(created.verbose_name, 'LDAP Provider');
      const again = (await api.get(`/api/v3/providers/ldap/${created.pk}/`)).json() as LdapBody;
      assert.deepEqual(again, created);
    });

    it('stores every setting given, the base DN in its canonical spelling', async () => {
      const group = await insertGroup(t.db, { name: 'directory-readers' });
      const created = await create({
        ...base('Company'),
        base_dn: ' dc = example , DC=Com ',
        tls_server_name: 'ldap.example.com',
        uid_start_number: 10000,
        gid_start_number: -5,
        search_mode: 'cached',
        bind_mode: 'cached',
        mfa_support: false,
        search_group: group.uuid,
      });
      assert.equal(created.base_dn, 'dc=example,DC=Com');
      assert.equal(created.search_mode, 'cached');
      assert.equal(created.bind_mode, 'cached');
      assert.equal(created.mfa_support, false);
      assert.equal(created.uid_start_number, 10000);
      assert.equal(created.gid_start_number, -5);
      assert.equal(created.search_group, group.uuid);
      const patched = await api.patch(`/api/v3/providers/ldap/${created.pk}/`, {
        base_dn: 'ou=people,dc=example,dc=com',
        search_group: null,
      });
      assert.equal(patched.statusCode, 200, patched.body);
      const body = patched.json() as LdapBody;
      assert.equal(body.base_dn, 'ou=people,dc=example,dc=com');
      assert.equal(body.search_group, null);
      assert.equal(body.search_mode, 'cached', 'a PATCH leaves the other settings as they were');
      await t.db.query('DELETE FROM groups WHERE uuid = $1', [group.uuid]);
    });

    it('names the field of every invalid value', async () => {
      const found = await problems('post', '/api/v3/providers/ldap/', {
        ...base('Bad'),
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        base_dn: 'dc=example,,dc=com',
        tls_server_name: 'not a host',
        certificate: '00000000-0000-4000-8000-000000000001',
        search_group: '00000000-0000-4000-8000-000000000002',
      });
      assert.deepEqual(Object.keys(found).sort(), [
        'authorization_flow',
        'base_dn',
        'certificate',
        'code',
        'search_group',
        'tls_server_name',
      ]);
      assert.match(found.authorization_flow?.[0] ?? '', /not an authentication flow/);
      for (const [field, value] of [
        ['base_dn', 'dc=exa,mple'],
        ['base_dn', 'dc=a\u0000b'],
        ['base_dn', 'dc=a;b'],
        ['base_dn', '=x'],
        ['base_dn', 'dc=a\\zz'],
        ['base_dn', ''],
        ['search_mode', 'lazy'],
        ['uid_start_number', 2147483648],
        ['property_mappings', ['00000000-0000-4000-8000-000000000003']],
        ['unknown_field', true],
      ] as const) {
        const res = await api.post('/api/v3/providers/ldap/', { ...base('Bad'), [field]: value });
        assert.equal(res.statusCode, 400, `${field}=${JSON.stringify(value)}: ${res.body}`);
      }
      const total = (await api.get('/api/v3/providers/ldap/?name__iexact=bad')).json() as Page<LdapBody>;
      assert.equal(total.pagination.count, 0, 'nothing invalid was stored');
    });

    it('lists LDAP providers with the contract filters, and as LDAP providers in /providers/all/', async () => {
      const one = await create({ ...base('Listed'), base_dn: 'dc=listed,dc=test', uid_start_number: 3000 });
      const list = async (query: string) =>
        ((await api.get(`/api/v3/providers/ldap/?${query}`)).json() as Page<LdapBody>).results.map(
          (p) => p.name,
        );
      assert.deepEqual(await list('base_dn__iexact=DC%3DLISTED%2Cdc%3Dtest'), ['Listed']);
      assert.deepEqual(await list('uid_start_number__iexact=3000'), ['Listed']);
      assert.deepEqual(await list('name__iexact=listed'), ['Listed']);
      assert.deepEqual(
        await list('authorization_flow__slug__iexact=default-authentication-flow&search=List'),
        ['Listed'],
      );
      assert.deepEqual(await list('authorization_flow__slug__iexact=nothing'), []);
      const all = (await api.get('/api/v3/providers/all/?page_size=100')).json() as Page<{
        pk: number;
        component: string;
      }>;
      assert.equal(all.results.find((p) => p.pk === one.pk)?.component, 'ak-provider-ldap-form');
      assert.equal((await api.get(`/api/v3/providers/proxy/${one.pk}/`)).statusCode, 404);
    });

    it('rejects a name another provider has', async () => {
      await create(base('Unique'));
      const found = await problems('post', '/api/v3/providers/ldap/', base('Unique'));
      assert.ok(found.name);
    });

    it('serves LDAP outposts their own providers with every field, and keeps base DNs unique per outpost', async () => {
      const served = await create({ ...base('Served'), base_dn: 'dc=served,dc=test' });
      const other = await create({ ...base('Other'), base_dn: 'dc=other,dc=test' });
      const unbound = await create({ ...base('Unbound'), base_dn: 'dc=unbound,dc=test' });
      for (const [slug, pk] of [
        ['served', served.pk],
        ['other', other.pk],
      ] as const)
        await insertApplication(t.db, { name: slug, slug, providerId: pk });
      const made = await api.post('/api/v3/outposts/instances/', {
        name: 'Directory outpost',
        type: 'ldap',
        providers: [served.pk, unbound.pk],
        config: {},
      });
      assert.equal(made.statusCode, 201, made.body);
      const outpost = made.json() as { pk: string; token_identifier: string };
      const key = await revealTokenKey(t.db, t.ctx.box, outpost.token_identifier);
      const asOutpost = apiClient(t.app, { authorization: `Bearer ${key}` });
      const page = (await asOutpost.get('/api/v3/outposts/ldap/')).json() as Page<Record<string, unknown>>;
      assert.deepEqual(page.results, [
        {
          pk: served.pk,
          name: 'Served',
          base_dn: 'dc=served,dc=test',
          bind_flow_slug: 'default-authentication-flow',
          unbind_flow_slug: 'default-invalidation-flow',
          application_slug: 'served',
          certificate: null,
          tls_server_name: '',
          uid_start_number: 2000,
          gid_start_number: 4000,
          search_mode: 'direct',
          bind_mode: 'direct',
          mfa_support: true,
        },
      ]);
      const listed = (await api.get(`/api/v3/providers/ldap/${served.pk}/`)).json() as LdapBody;
      assert.deepEqual(listed.outpost_set, ['Directory outpost']);
      const everything = (await api.get('/api/v3/outposts/ldap/?page_size=100')).json() as Page<{
        pk: number;
      }>;
      assert.ok(
        everything.results.some((p) => p.pk === other.pk),
        'a superuser reads every LDAP provider bound to an application',
      );
      assert.ok(!everything.results.some((p) => p.pk === unbound.pk), 'never one without an application');

      const proxy = await api.post('/api/v3/providers/proxy/', {
        ...base('Web'),
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        external_host: 'https://web.example.com',
        mode: 'forward_single',
      });
      const mixed = await problems('patch', `/api/v3/outposts/instances/${outpost.pk}/`, {
        providers: [served.pk, (proxy.json() as { pk: number }).pk],
      });
      assert.match(mixed.providers?.[0] ?? '', /can't be used with ProxyProvider providers/);

      const clash = await problems('patch', `/api/v3/providers/ldap/${unbound.pk}/`, {
        base_dn: 'DC=Served,DC=test',
      });
      assert.match(clash.base_dn?.[0] ?? '', /Directory outpost also serves LDAP provider Served/);
      await api.patch(`/api/v3/providers/ldap/${other.pk}/`, { base_dn: 'dc=served,dc=test' });
      const twice = await problems('patch', `/api/v3/outposts/instances/${outpost.pk}/`, {
        providers: [served.pk, other.pk],
      });
      assert.match(twice.providers?.[0] ?? '', /base DN dc=served,dc=test/);
    });

    it('deletes an LDAP provider, and no provider of another kind', async () => {
      const gone = await create(base('Gone'));
      const oauth = await api.post('/api/v3/providers/oauth2/', {
        ...base('Client'),
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        redirect_uris: [{ matching_mode: 'strict', url: 'https://client.example.com/cb' }],
      });
      const oauthPk = (oauth.json() as { pk: number }).pk;
      assert.equal((await api.delete(`/api/v3/providers/ldap/${oauthPk}/`)).statusCode, 404);
      assert.equal((await api.delete(`/api/v3/providers/ldap/${gone.pk}/`)).statusCode, 204);
      assert.equal((await api.get(`/api/v3/providers/ldap/${gone.pk}/`)).statusCode, 404);
      const row = await queryOne(t.db, 'SELECT 1 FROM ldap_providers WHERE provider_id = $1', [gone.pk]);
      assert.equal(row, undefined);
      assert.equal((await api.get(`/api/v3/providers/oauth2/${oauthPk}/`)).statusCode, 200);
    });
  });
}
