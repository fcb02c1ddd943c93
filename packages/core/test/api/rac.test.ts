import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSession } from '../../src/identity/sessions-repository.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { insertRacConnectionToken } from '../../src/rac/tokens-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { flowPks } from '../support/flows.ts';

interface ProviderBody {
  pk: number;
  name: string;
  settings: Record<string, unknown>;
  connection_expiry: string;
  delete_token_on_disconnect: boolean;
  auth_mode: string;
  component: string;
  property_mappings: string[];
  outpost_set: string[];
}
interface EndpointBody {
  pk: string;
  name: string;
  host: string;
  protocol: string;
  settings: Record<string, unknown>;
  maximum_connections: number;
  launch_url: string | null;
  property_mappings: string[];
  provider_obj: ProviderBody;
}

for (const backend of testBackends()) {
  describe(`RAC providers, endpoints, mappings and tokens API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let flows: Record<string, string>;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      flows = await flowPks(api);
    });
    after(() => t.close());

    const createProvider = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/providers/rac/', {
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        ...body,
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as ProviderBody;
    };
    const createEndpoint = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/rac/endpoints/', { protocol: 'vnc', auth_mode: 'static', ...body });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as EndpointBody;
    };
    const rawColumns = async (table: string, key: string, value: string | number) => {
      const rows = await t.db.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE ${key} = $1`, [
        value,
      ]);
      return JSON.stringify(rows);
    };

    it('creates a provider with the defaults, keeps credentials write-only and sealed at rest', async () => {
      const created = await createProvider({
        name: 'Desktops',
        settings: { 'color-depth': 24, password: 'provider-secret-pw' },
      });
      assert.equal(created.connection_expiry, 'hours=8');
      assert.equal(created.delete_token_on_disconnect, false);
      assert.equal(created.auth_mode, 'static');
      assert.equal(created.component, 'ak-provider-rac-form');
      assert.deepEqual(created.settings, { 'color-depth': 24 });
      assert.deepEqual(created.outpost_set, []);
      const stored = await rawColumns('rac_providers', 'provider_id', created.pk);
      assert.ok(!stored.includes('provider-secret-pw'), 'the password is not stored in clear');
      // A settings update without the password keeps it; null removes it.
      const url = `/api/v3/providers/rac/${created.pk}/`;
      const kept = await api.patch(url, { settings: { 'color-depth': 16 } });
      assert.equal(kept.statusCode, 200, kept.body);
      assert.deepEqual((kept.json() as ProviderBody).settings, { 'color-depth': 16 });
      const sealed = await t.db.query<{ s: string | null }>(
        'SELECT settings_secrets_sealed AS s FROM rac_providers WHERE provider_id = $1',
        [created.pk],
      );
      assert.deepEqual(JSON.parse(t.ctx.box.open(sealed[0]?.s ?? '')), { password: 'provider-secret-pw' });
      await api.patch(url, { settings: { password: null } });
      const cleared = await t.db.query<{ s: string | null }>(
        'SELECT settings_secrets_sealed AS s FROM rac_providers WHERE provider_id = $1',
        [created.pk],
      );
      assert.equal(cleared[0]?.s, null);
      const listed = (await api.get('/api/v3/providers/all/?page_size=100')).json() as {
        results: Array<{ pk: number; component: string }>;
      };
      assert.equal(listed.results.find((p) => p.pk === created.pk)?.component, 'ak-provider-rac-form');
    });

    it('refuses bad provider input with the fields named', async () => {
      const res = await api.post('/api/v3/providers/rac/', {
        name: 'Bad',
        authorization_flow: flows['default-invalidation-flow'],
        connection_expiry: 'forever',
        property_mappings: ['00000000-0000-4000-8000-000000000000'],
      });
      assert.equal(res.statusCode, 400);
      const body = res.json() as Record<string, string[]>;
      assert.ok(body.authorization_flow && body.connection_expiry && body.property_mappings, res.body);
      const nested = await api.post('/api/v3/providers/rac/', {
        name: 'Nested',
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        settings: { deep: { password: 'x' } },
      });
      assert.equal(nested.statusCode, 400, nested.body);
    });

    it('creates endpoints with their host checked, limits and mappings, never answering credentials', async () => {
      const provider = await createProvider({ name: 'Endpoints' });
      const mapping = await api.post('/api/v3/propertymappings/provider/rac/', {
        name: 'Shared login',
        static_settings: { username: 'ops', password: 'mapping-secret-pw' },
      });
      assert.equal(mapping.statusCode, 201, mapping.body);
      const mappingBody = mapping.json() as { pk: string; static_settings: Record<string, unknown> };
      assert.deepEqual(mappingBody.static_settings, { username: 'ops' });
      const endpoint = await createEndpoint({
        name: 'Build box',
        provider: provider.pk,
        host: 'build.internal:5901',
        settings: { 'private-key': '-----BEGIN KEY-----', 'read-only': false },
        property_mappings: [mappingBody.pk],
      });
      assert.equal(endpoint.maximum_connections, 1);
      assert.equal(endpoint.launch_url, null, 'no application serves the provider yet');
      assert.deepEqual(endpoint.settings, { 'read-only': false });
      assert.deepEqual(endpoint.property_mappings, [mappingBody.pk]);
      assert.equal(endpoint.provider_obj.pk, provider.pk);
      const stored = await rawColumns('rac_endpoints', 'pbm_uuid', endpoint.pk);
      assert.ok(!stored.includes('BEGIN KEY'), 'the private key is not stored in clear');
      const unlimited = await api.patch(`/api/v3/rac/endpoints/${endpoint.pk}/`, { maximum_connections: -1 });
      assert.equal((unlimited.json() as EndpointBody).maximum_connections, -1);
      for (const host of ['', 'a b', 'host:0', 'host:70000', 'host:22:33', '[::1', '[zz]:22']) {
        const bad = await api.post('/api/v3/rac/endpoints/', {
          name: 'Bad host',
          provider: provider.pk,
          protocol: 'ssh',
          auth_mode: 'static',
          host,
        });
        assert.equal(bad.statusCode, 400, `${host}: ${bad.body}`);
      }
      for (const host of ['10.0.0.1', '[::1]:22', 'fe80::1', 'ssh.example.com:2222']) {
        const good = await createEndpoint({ name: `Good ${host}`, provider: provider.pk, host });
        assert.equal(good.host, host);
      }
      const bad = await api.post('/api/v3/rac/endpoints/', {
        name: 'No provider',
        provider: 999999,
        protocol: 'ftp',
        auth_mode: 'static',
        host: 'x',
      });
      assert.equal(bad.statusCode, 400);
      const belowUnlimited = await api.patch(`/api/v3/rac/endpoints/${endpoint.pk}/`, {
        maximum_connections: -2,
      });
      assert.equal(belowUnlimited.statusCode, 400);
      // Deleting the mapping takes it off the endpoint.
      assert.equal(
        (await api.delete(`/api/v3/propertymappings/provider/rac/${mappingBody.pk}/`)).statusCode,
        204,
      );
      const after = (await api.get(`/api/v3/rac/endpoints/${endpoint.pk}/`)).json() as EndpointBody;
      assert.deepEqual(after.property_mappings, []);
    });

    it('refuses mapping expressions, which Palisade does not run', async () => {
      const res = await api.post('/api/v3/propertymappings/provider/rac/', {
        name: 'Code',
        expression: 'return {"username": request.user.username}',
        static_settings: {},
      });
      assert.equal(res.statusCode, 400);
      assert.ok((res.json() as Record<string, string[]>).expression);
    });

    it('lists users only the endpoints they may open, with launch URLs', async () => {
      const provider = await createProvider({ name: 'Per user' });
      const app = await api.post('/api/v3/core/applications/', {
        name: 'Remote',
        slug: 'remote',
        provider: provider.pk,
      });
      assert.equal(app.statusCode, 201, app.body);
      const open = await createEndpoint({ name: 'Open', provider: provider.pk, host: 'open.internal' });
      const guarded = await createEndpoint({ name: 'Guarded', provider: provider.pk, host: 'db.internal' });
      const alice = await insertUser(t.db, { username: 'rac-alice' });
      const bob = await insertUser(t.db, { username: 'rac-bob' });
      const binding = await api.post('/api/v3/policies/bindings/', {
        target: guarded.pk,
        user: bob.id,
        order: 0,
      });
      assert.equal(binding.statusCode, 201, binding.body);
      const listFor = async (userId: number, name: string) => {
        const key = `rac-test-${name}-${Date.now()}`;
        await insertToken(t.db, t.ctx.box, { identifier: key, intent: 'api', userId, key, expiring: false });
        const res = await apiClient(t.app, { authorization: `Bearer ${key}` }).get(
          `/api/v3/rac/endpoints/?provider=${provider.pk}`,
        );
        assert.equal(res.statusCode, 200, res.body);
        return (res.json() as { results: EndpointBody[] }).results;
      };
      assert.deepEqual(
        (await listFor(alice.id, 'alice')).map((e) => e.name),
        ['Open'],
      );
      const bobs = await listFor(bob.id, 'bob');
      assert.deepEqual(bobs.map((e) => e.name).sort(), ['Guarded', 'Open']);
      assert.equal(bobs.find((e) => e.pk === open.pk)?.launch_url, `/application/rac/remote/${open.pk}/`);
      // A user cannot create endpoints.
      const key = 'rac-test-alice-write';
      await insertToken(t.db, t.ctx.box, {
        identifier: key,
        intent: 'api',
        userId: alice.id,
        key,
        expiring: false,
      });
      const denied = await apiClient(t.app, { authorization: `Bearer ${key}` }).post(
        '/api/v3/rac/endpoints/',
        {
          name: 'Mine',
          provider: provider.pk,
          protocol: 'vnc',
          auth_mode: 'static',
          host: 'x',
        },
      );
      assert.equal(denied.statusCode, 403);
      const full = (
        await api.get(`/api/v3/rac/endpoints/?superuser_full_list=true&provider=${provider.pk}`)
      ).json() as {
        results: EndpointBody[];
      };
      assert.equal(full.results.length, 2);
    });

    it('shows and deletes connection tokens, and an rac outpost takes rac providers only', async () => {
      const provider = await createProvider({ name: 'Tokens' });
      const endpoint = await createEndpoint({
        name: 'Token box',
        provider: provider.pk,
        host: 'tok.internal',
      });
      const user = await insertUser(t.db, { username: 'rac-carol' });
      const { session } = await createSession(t.db, {
        userId: user.id,
        maxAgeSeconds: 600,
        clientAddress: '127.0.0.1',
        userAgent: 'test',
      });
      const { record } = await insertRacConnectionToken(t.db, t.ctx.box, {
        providerId: provider.pk,
        endpointUuid: endpoint.pk,
        sessionUuid: session.uuid,
        settings: { password: 'flow-pw' },
        expires: new Date(Date.now() + 60_000),
      });
      const listed = await api.get(`/api/v3/rac/connection_tokens/?endpoint=${endpoint.pk}`);
      const results = (listed.json() as { results: Array<{ pk: string; user: { username: string } }> })
        .results;
      assert.deepEqual(
        results.map((r) => [r.pk, r.user.username]),
        [[record.uuid, 'rac-carol']],
      );
      assert.ok(!listed.body.includes('flow-pw'));
      const other = await createProvider({ name: 'Other tokens' });
      const moved = await api.patch(`/api/v3/rac/connection_tokens/${record.uuid}/`, { provider: other.pk });
      assert.equal(moved.statusCode, 400, 'an endpoint of another provider');
      assert.equal((await api.delete(`/api/v3/rac/connection_tokens/${record.uuid}/`)).statusCode, 204);
      assert.equal((await api.get(`/api/v3/rac/connection_tokens/${record.uuid}/`)).statusCode, 404);

      const outpost = await api.post('/api/v3/outposts/instances/', {
        name: 'rac outpost',
        type: 'rac',
        providers: [provider.pk],
        config: { authentik_host: 'https://auth.example.com/' },
      });
      assert.equal(outpost.statusCode, 201, outpost.body);
      const withOutpost = (await api.get(`/api/v3/providers/rac/${provider.pk}/`)).json() as ProviderBody;
      assert.deepEqual(withOutpost.outpost_set, ['rac outpost']);
      const wrong = await api.post('/api/v3/outposts/instances/', {
        name: 'proxy outpost',
        type: 'proxy',
        providers: [provider.pk],
        config: { authentik_host: 'https://auth.example.com/' },
      });
      assert.equal(wrong.statusCode, 400, wrong.body);
      assert.equal((await api.delete(`/api/v3/providers/rac/${provider.pk}/`)).statusCode, 204);
      assert.equal((await api.get(`/api/v3/rac/endpoints/${endpoint.pk}/`)).statusCode, 404);
    });
  });
}
