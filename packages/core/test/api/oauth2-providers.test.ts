import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { flowPks } from '../support/flows.ts';

interface ProviderBody {
  pk: number;
  name: string;
  client_id: string;
  client_secret: string;
  client_type: string;
  authorization_flow: string;
  assigned_application_slug: string | null;
  redirect_uris: Array<{ matching_mode: string; url: string }>;
}

for (const backend of testBackends()) {
  describe(`OAuth2 providers API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    const flows: Record<string, string> = {};
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      Object.assign(flows, await flowPks(api));
    });
    after(() => t.close());

    const base = () => ({
      name: 'Grafana',
      authorization_flow: flows['default-provider-authorization-explicit-consent'],
      invalidation_flow: flows['default-invalidation-flow'],
      redirect_uris: [{ matching_mode: 'strict', url: 'https://grafana.example.com/login/generic_oauth' }],
    });

    it('lists the built-in flows, filterable by designation', async () => {
      const res = await api.get('/api/v3/flows/instances/?designation=authorization');
      const slugs = (res.json() as { results: Array<{ slug: string }> }).results.map((f) => f.slug);
      assert.deepEqual(slugs, [
        'default-provider-authorization-explicit-consent',
        'default-provider-authorization-implicit-consent',
      ]);
    });

    it('creates a provider with a generated client id and secret, and serves it back', async () => {
      const res = await api.post('/api/v3/providers/oauth2/', base());
      assert.equal(res.statusCode, 201, res.body);
      const created = res.json() as ProviderBody;
      assert.ok(created.client_id.length >= 32);
      assert.ok(created.client_secret.length >= 64);
      assert.equal(created.client_type, 'confidential');
      assert.equal(created.assigned_application_slug, null);
      const again = (await api.get(`/api/v3/providers/oauth2/${created.pk}/`)).json() as ProviderBody;
      assert.equal(again.client_secret, created.client_secret);
      const listed = (await api.get(`/api/v3/providers/oauth2/?client_id=${created.client_id}`)).json() as {
        results: ProviderBody[];
      };
      assert.deepEqual(
        listed.results.map((p) => p.pk),
        [created.pk],
      );
    });

    it('links to an application and gives its setup URLs', async () => {
      const provider = (
        await api.post('/api/v3/providers/oauth2/', { ...base(), name: 'Wiki', client_id: 'wiki' })
      ).json() as ProviderBody;
      const app = await api.post('/api/v3/core/applications/', {
        name: 'Wiki',
        slug: 'wiki',
        provider: provider.pk,
      });
      assert.equal(app.statusCode, 201, app.body);
      const second = await api.post('/api/v3/core/applications/', {
        name: 'Wiki 2',
        slug: 'wiki2',
        provider: provider.pk,
      });
      assert.equal(second.statusCode, 400, 'one provider serves one application');
      const urls = (await api.get(`/api/v3/providers/oauth2/${provider.pk}/setup_urls/`)).json() as Record<
        string,
        string
      >;
      assert.match(urls.issuer ?? '', /\/application\/o\/wiki\/$/);
      assert.match(urls.provider_info ?? '', /\/application\/o\/wiki\/\.well-known\/openid-configuration$/);
      const discovery = await t.app.inject({ url: '/application/o/wiki/.well-known/openid-configuration' });
      assert.equal(discovery.statusCode, 200);
      assert.equal((discovery.json() as { issuer: string }).issuer, urls.issuer);
      const linked = (await api.get(`/api/v3/providers/oauth2/${provider.pk}/`)).json() as ProviderBody;
      assert.equal(linked.assigned_application_slug, 'wiki');
    });

    it('previews the claims a user would get', async () => {
      const provider = (
        await api.post('/api/v3/providers/oauth2/', { ...base(), name: 'Preview', sub_mode: 'user_username' })
      ).json() as ProviderBody;
      const mine = (await api.get(`/api/v3/providers/oauth2/${provider.pk}/preview_user/`)).json() as {
        preview: Record<string, unknown>;
      };
      assert.equal(mine.preview.sub, 'akadmin', 'the subject follows the sub mode');
      assert.equal(mine.preview.preferred_username, 'akadmin');
      assert.deepEqual((mine.preview.ak_proxy as { is_superuser: boolean }).is_superuser, true);
      const unknown = await api.get(`/api/v3/providers/oauth2/${provider.pk}/preview_user/?for_user=999999`);
      assert.equal(unknown.statusCode, 400);
    });

    it('lists every provider, with or without an application', async () => {
      const all = (await api.get('/api/v3/providers/all/')).json() as { results: Array<{ name: string }> };
      assert.ok(all.results.some((p) => p.name === 'Wiki'));
      const unassigned = (await api.get('/api/v3/providers/all/?application__isnull=true')).json() as {
        results: Array<{ name: string; assigned_application_slug: string | null }>;
      };
      assert.ok(unassigned.results.length > 0);
      assert.ok(unassigned.results.every((p) => p.assigned_application_slug === null));
      assert.ok(!unassigned.results.some((p) => p.name === 'Wiki'));
    });

    it('lists the scope mappings, including the ones proxy outposts request', async () => {
      const res = (await api.get('/api/v3/propertymappings/provider/scope/?page_size=100')).json() as {
        results: Array<{ pk: string; scope_name: string; managed: string }>;
      };
      const scopes = res.results.map((m) => m.scope_name);
      for (const scope of ['openid', 'profile', 'email', 'ak_proxy', 'entitlements'])
        assert.ok(scopes.includes(scope), scope);
      const proxy = (
        await api.get('/api/v3/propertymappings/provider/scope/?scope_name=ak_proxy')
      ).json() as {
        results: Array<{ pk: string; managed: string }>;
      };
      assert.equal(proxy.results[0]?.managed, 'goauthentik.io/providers/proxy/scope-proxy');
      const one = await api.get(`/api/v3/propertymappings/provider/scope/${proxy.results[0]?.pk}/`);
      assert.equal(one.statusCode, 200);
      const missing = await api.get(
        '/api/v3/propertymappings/provider/scope/00000000-0000-4000-8000-000000000000/',
      );
      assert.equal(missing.statusCode, 404);
    });

    it('updates, keeps the secret when none is sent, and deletes', async () => {
      const provider = (
        await api.post('/api/v3/providers/oauth2/', { ...base(), name: 'Temp' })
      ).json() as ProviderBody;
      const url = `/api/v3/providers/oauth2/${provider.pk}/`;
      const patched = (
        await api.patch(url, { access_token_validity: 'minutes=10', client_secret: '' })
      ).json() as ProviderBody & {
        access_token_validity: string;
      };
      assert.equal(patched.access_token_validity, 'minutes=10');
      assert.equal(patched.client_secret, provider.client_secret);
      assert.equal((await api.delete(url)).statusCode, 204);
      assert.equal((await api.get(url)).statusCode, 404);
    });

    it('names the field for bad durations, flows of the wrong kind, bad redirect URIs and duplicates', async () => {
      for (const [body, field] of [
        [{ ...base(), name: 'A', access_token_validity: 'fortnights=2' }, 'access_token_validity'],
        [{ ...base(), name: 'B', access_code_validity: 'seconds=0' }, 'access_code_validity'],
        [
          { ...base(), name: 'C', authorization_flow: flows['default-invalidation-flow'] },
          'authorization_flow',
        ],
        [
          { ...base(), name: 'D', redirect_uris: [{ matching_mode: 'strict', url: 'not a url' }] },
          'redirect_uris',
        ],
        [{ ...base(), name: 'E', client_secret: 'short' }, 'client_secret'],
        [
          { ...base(), name: 'G', redirect_uris: [{ matching_mode: 'regex', url: 'https://(unclosed' }] },
          'redirect_uris',
        ],
        [{ ...base(), name: 'Grafana' }, 'name'],
        [{ ...base(), name: 'F', client_id: 'wiki' }, 'client_id'],
      ] as const) {
        const res = await api.post('/api/v3/providers/oauth2/', body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
        assert.ok((res.json() as Record<string, unknown>)[field], `${field}: ${res.body}`);
      }
    });
  });
}
