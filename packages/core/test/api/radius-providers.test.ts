import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { queryOne } from '../../src/db/database.ts';
import { revealTokenKey } from '../../src/identity/tokens-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { flowPks } from '../support/flows.ts';

interface RadiusBody {
  pk: number;
  name: string;
  client_networks: string;
  shared_secret: string;
  mfa_support: boolean;
  certificate: string | null;
  auth_cache_seconds: number;
  property_mappings: string[];
  component: string;
  meta_model_name: string;
  outpost_set: string[];
}
interface MappingBody {
  pk: string;
  name: string;
  expression: string;
  attributes: Array<Record<string, unknown>>;
  component: string;
}
type Page<T> = { results: T[]; pagination: { count: number } };

for (const backend of testBackends()) {
  describe(`RADIUS providers and property mappings API on ${backend.name}`, () => {
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
      const res = await api.post('/api/v3/providers/radius/', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as RadiusBody;
    };
    const createMapping = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/propertymappings/provider/radius/', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as MappingBody;
    };
    const problems = async (method: 'post' | 'patch' | 'put', url: string, body: unknown) => {
      const res = await api[method](url, body);
      assert.equal(res.statusCode, 400, res.body);
      return res.json() as Record<string, string[]>;
    };
    const sealed = async (pk: number) =>
      (
        await queryOne<{ sealed: string }>(
          t.db,
          'SELECT shared_secret_sealed AS sealed FROM radius_providers WHERE provider_id = $1',
          [pk],
        )
      )?.sealed ?? '';

    it('creates a provider with a random shared secret, stored sealed, every network allowed, MFA on', async () => {
      const created = await create(base('Wifi'));
      assert.equal(created.client_networks, '0.0.0.0/0, ::/0');
      assert.equal(created.mfa_support, true);
      assert.equal(created.certificate, null);
      assert.deepEqual(created.outpost_set, []);
      assert.equal(created.component, 'ak-provider-radius-form');
      assert.equal(created.meta_model_name, 'authentik_providers_radius.radiusprovider');
      assert.match(created.shared_secret, /^[A-Za-z0-9_-]{43}$/);
      const stored = await sealed(created.pk);
      assert.ok(!stored.includes(created.shared_secret), 'the secret is not stored in clear');
      assert.equal(t.ctx.box.open(stored), created.shared_secret);
      const other = await create(base('Wifi 2'));
      assert.notEqual(other.shared_secret, created.shared_secret);
      const patched = await api.patch(`/api/v3/providers/radius/${created.pk}/`, { mfa_support: false });
      assert.equal((patched.json() as RadiusBody).shared_secret, created.shared_secret, 'a PATCH keeps it');
    });

    it('keeps the warm cache off unless asked, and serves its lifetime to the outposts', async () => {
      const created = await create(base('Cached'));
      assert.equal(created.auth_cache_seconds, 0, 'off by default');
      const patched = await api.patch(`/api/v3/providers/radius/${created.pk}/`, { auth_cache_seconds: 30 });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal((patched.json() as RadiusBody).auth_cache_seconds, 30);
      const stored = await queryOne<{ seconds: number }>(
        t.db,
        'SELECT auth_cache_seconds AS seconds FROM radius_providers WHERE provider_id = $1',
        [created.pk],
      );
      assert.equal(stored?.seconds, 30);
      const tooLong = await problems('patch', `/api/v3/providers/radius/${created.pk}/`, {
        auth_cache_seconds: 3600,
      });
      assert.ok(tooLong.auth_cache_seconds?.[0], JSON.stringify(tooLong));
      const again = (await api.get(`/api/v3/providers/radius/${created.pk}/`)).json() as RadiusBody;
      assert.equal(again.auth_cache_seconds, 30, 'a refused change changes nothing');
    });

    it('stores client networks canonically and names every bad one', async () => {
      const created = await create({
        ...base('Campus'),
        client_networks: ' 10.0.0.0/8,192.0.2.0/24 ,2001:DB8::/32',
        shared_secret: 'testing123',
      });
      assert.equal(created.client_networks, '10.0.0.0/8, 192.0.2.0/24, 2001:db8::/32');
      assert.equal(created.shared_secret, 'testing123');
      const found = await problems('post', '/api/v3/providers/radius/', {
        ...base('Bad networks'),
        client_networks: '10.0.0.1/8, nas.example.com, 192.0.2.0, 10.0.0.0/33, ,2001:db8::1/32',
      });
      assert.deepEqual(found.client_networks, [
        '"10.0.0.1/8" has host bits set; the network is 10.0.0.0/8.',
        '"nas.example.com" is not a network such as 192.0.2.0/24 or 2001:db8::/32.',
        '"192.0.2.0" is not a network such as 192.0.2.0/24 or 2001:db8::/32.',
        '"10.0.0.0/33": the prefix length is at most 32.',
        'An empty entry between commas is not a network.',
        '"2001:db8::1/32" has host bits set; the network is 2001:db8::/32.',
      ]);
    });

    it('names the field of every invalid value', async () => {
      const found = await problems('post', '/api/v3/providers/radius/', {
        ...base('Bad'),
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        certificate: '00000000-0000-4000-8000-000000000001',
        property_mappings: ['00000000-0000-4000-8000-000000000002'],
      });
      assert.deepEqual(Object.keys(found).sort(), [
        'authorization_flow',
        'certificate',
        'code',
        'property_mappings',
      ]);
      for (const [field, value] of [
        ['shared_secret', ''],
        ['client_networks', ''],
        ['mfa_support', 'yes'],
        ['auth_cache_seconds', -1],
        ['auth_cache_seconds', 301],
        ['auth_cache_seconds', 1.5],
        ['unknown_field', 1],
      ] as const) {
        const res = await api.post('/api/v3/providers/radius/', { ...base('Bad'), [field]: value });
        assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
      }
    });

    it('keeps declarative property mappings, resolved against the dictionary', async () => {
      const vlan = await createMapping({
        name: 'VLAN 42',
        attributes: [
          { name: 'Tunnel-Type', value: 'VLAN' },
          { name: 'Tunnel-Medium-Type', value: 'IEEE-802' },
          { name: 'Tunnel-Private-Group-Id', value: '42' },
          { name: 'aruba-user-role', value: 'staff' },
          { type: 7, vendor_id: 99999, data_type: 'integer', value: 5 },
        ],
      });
      assert.equal(vlan.component, 'ak-property-mapping-provider-radius-form');
      assert.deepEqual(vlan.attributes[0], {
        type: 64,
        vendor_id: null,
        data_type: 'integer',
        tag: 0,
        value: '13',
        name: 'Tunnel-Type',
      });
      assert.equal(
        vlan.expression,
        'Tunnel-Type = 13\nTunnel-Medium-Type = 6\nTunnel-Private-Group-Id = "42"\nAruba-User-Role = "staff"\nVendor-99999-Attr-7 = 5',
      );
      const bad = await problems('post', '/api/v3/propertymappings/provider/radius/', {
        name: 'Bad',
        attributes: [
          { name: 'Session-Timeout', value: 60 },
          { name: 'Message-Authenticator', value: '00' },
          { type: 80, data_type: 'octets', value: '00' },
          { name: 'Session-Timeout', value: 'soon' },
        ],
      });
      assert.deepEqual(bad.attributes, [
        '2: Message-Authenticator is not an attribute Palisade knows; give its type and data_type',
        '3: attribute 80 is set by the server, or is not a reply attribute',
        '4: Session-Timeout must be a whole number from 0 to 4294967295',
      ]);
      const python = await problems('post', '/api/v3/propertymappings/provider/radius/', {
        name: 'Python',
        expression: 'packet["Session-Timeout"] = 60',
        attributes: [{ name: 'Session-Timeout', value: 60 }],
      });
      assert.ok(python.expression);
      assert.equal(
        (
          await createMapping({
            name: 'Python',
            expression: '',
            attributes: [{ name: 'Session-Timeout', value: 60 }],
          })
        ).expression,
        'Session-Timeout = 60',
      );
      assert.ok(
        (
          await problems('post', '/api/v3/propertymappings/provider/radius/', {
            name: 'VLAN 42',
            attributes: [{ name: 'Class', value: '01' }],
          })
        ).name,
      );
      assert.equal(
        (await api.post('/api/v3/propertymappings/provider/radius/', { name: 'Empty', attributes: [] }))
          .statusCode,
        400,
      );

      const patched = await api.patch(`/api/v3/propertymappings/provider/radius/${vlan.pk}/`, {
        name: 'VLAN forty-two',
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal((patched.json() as MappingBody).attributes.length, 5, 'a rename keeps the attributes');
      const list = (
        await api.get('/api/v3/propertymappings/provider/radius/?search=forty')
      ).json() as Page<MappingBody>;
      assert.deepEqual(
        list.results.map((m) => m.name),
        ['VLAN forty-two'],
      );

      const provider = await create({ ...base('With VLAN'), property_mappings: [vlan.pk] });
      assert.deepEqual(provider.property_mappings, [vlan.pk]);
      assert.equal(
        (await api.delete(`/api/v3/propertymappings/provider/radius/${vlan.pk}/`)).statusCode,
        204,
      );
      const after = (await api.get(`/api/v3/providers/radius/${provider.pk}/`)).json() as RadiusBody;
      assert.deepEqual(after.property_mappings, [], 'deleting a mapping unlinks it');
      assert.equal((await api.get(`/api/v3/propertymappings/provider/radius/${vlan.pk}/`)).statusCode, 404);
    });

    it('serves RADIUS outposts their own providers, every field and the secret in clear', async () => {
      const served = await create({
        ...base('Served'),
        client_networks: '192.0.2.0/24',
        shared_secret: 's3cret',
      });
      const unbound = await create(base('Unbound'));
      await insertApplication(t.db, { name: 'vpn', slug: 'vpn', providerId: served.pk });
      const made = await api.post('/api/v3/outposts/instances/', {
        name: 'Radius outpost',
        type: 'radius',
        providers: [served.pk, unbound.pk],
        config: {},
      });
      assert.equal(made.statusCode, 201, made.body);
      const outpost = made.json() as { pk: string; token_identifier: string };
      const key = await revealTokenKey(t.db, t.ctx.box, outpost.token_identifier);
      const asOutpost = apiClient(t.app, { authorization: `Bearer ${key}` });
      const page = (await asOutpost.get('/api/v3/outposts/radius/')).json() as Page<Record<string, unknown>>;
      assert.deepEqual(page.results, [
        {
          pk: served.pk,
          name: 'Served',
          application_slug: 'vpn',
          auth_flow_slug: 'default-authentication-flow',
          client_networks: '192.0.2.0/24',
          shared_secret: 's3cret',
          mfa_support: true,
          certificate: null,
          auth_cache_seconds: 0,
        },
      ]);
      assert.deepEqual(((await asOutpost.get('/api/v3/outposts/ldap/')).json() as Page<unknown>).results, []);
      const ldap = await api.post('/api/v3/providers/ldap/', base('Directory'));
      const mixed = await problems('patch', `/api/v3/outposts/instances/${outpost.pk}/`, {
        providers: [served.pk, (ldap.json() as { pk: number }).pk],
      });
      assert.match(mixed.providers?.[0] ?? '', /can't be used with LDAPProvider providers/);
      const all = (await api.get('/api/v3/providers/all/?page_size=100')).json() as Page<{
        pk: number;
        component: string;
      }>;
      assert.equal(all.results.find((p) => p.pk === served.pk)?.component, 'ak-provider-radius-form');
      const filtered = (
        await api.get('/api/v3/providers/radius/?client_networks__iexact=192.0.2.0/24')
      ).json() as Page<RadiusBody>;
      assert.deepEqual(
        filtered.results.map((p) => p.name),
        ['Served'],
      );
    });

    it('deletes a RADIUS provider, and no provider of another kind', async () => {
      const gone = await create(base('Gone'));
      const ldap = (
        await api.post('/api/v3/providers/ldap/', { ...base('Kept'), base_dn: 'dc=kept' })
      ).json() as { pk: number };
      assert.equal((await api.delete(`/api/v3/providers/radius/${ldap.pk}/`)).statusCode, 404);
      assert.equal((await api.delete(`/api/v3/providers/radius/${gone.pk}/`)).statusCode, 204);
      assert.equal((await api.get(`/api/v3/providers/radius/${gone.pk}/`)).statusCode, 404);
      assert.equal((await api.get(`/api/v3/providers/ldap/${ldap.pk}/`)).statusCode, 200);
    });
  });
}
