import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertOAuth2Provider } from '../../src/oauth2/providers-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface AppBody {
  slug: string;
  provider: number | null;
  launch_url: string | null;
  provider_obj: null | {
    pk: number;
    name: string;
    component: string;
    verbose_name: string;
    assigned_application_slug: string | null;
  };
}

for (const backend of testBackends()) {
  describe(`an application's provider_obj and launch URL, on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let proxy: number;
    let oauth2: number;
    before(async () => {
      t = await createTestApp(backend);
      // Every call is checked against contracts/authentik-api-subset.yml (apiClient).
      api = apiClient(t.app, t.adminHeaders);
      const flows = (await api.get('/api/v3/flows/instances/?page_size=100')).json() as {
        results: Array<{ slug: string; pk: string }>;
      };
      const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
      const created = await api.post('/api/v3/providers/proxy/', {
        name: 'Grafana proxy',
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
        invalidation_flow: flow('default-invalidation-flow'),
        external_host: 'https://grafana.example.com:8443',
        mode: 'forward_single',
      });
      assert.equal(created.statusCode, 201, created.body);
      proxy = (created.json() as { pk: number }).pk;
      oauth2 = (
        await insertOAuth2Provider(t.db, t.ctx.box, {
          name: 'Wiki OIDC',
          clientId: 'wiki-client',
          clientSecret: 'wiki-secret-0123456789',
          redirectUris: [
            { matching_mode: 'strict', url: 'https://wiki.example.com/oauth/callback?x=1' },
            { matching_mode: 'strict', url: 'https://other.example.com/cb' },
          ],
        })
      ).id;
    });
    after(() => t.close());

    const create = async (slug: string, body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/core/applications/', { name: slug, slug, ...body });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as AppBody;
    };

    it('shows the provider the application was created with, at once', async () => {
      const app = await create('grafana', { provider: proxy });
      assert.deepEqual(
        app.provider_obj && {
          pk: app.provider_obj.pk,
          name: app.provider_obj.name,
          component: app.provider_obj.component,
          verbose_name: app.provider_obj.verbose_name,
          assigned: app.provider_obj.assigned_application_slug,
        },
        {
          pk: proxy,
          name: 'Grafana proxy',
          component: 'ak-provider-proxy-form',
          verbose_name: 'Proxy Provider',
          assigned: 'grafana',
        },
      );
      const listed = (await api.get('/api/v3/core/applications/?superuser_full_list=true')).json() as {
        results: AppBody[];
      };
      assert.equal(listed.results.find((a) => a.slug === 'grafana')?.provider_obj?.pk, proxy);
    });

    it("opens at the provider's URL without a launch URL of its own, and at its own with one", async () => {
      assert.equal(
        ((await api.get('/api/v3/core/applications/grafana/')).json() as AppBody).launch_url,
        'https://grafana.example.com:8443',
      );
      const wiki = await create('wiki', { provider: oauth2 });
      assert.equal(wiki.launch_url, 'https://wiki.example.com', "the first redirect URI's origin");
      assert.equal(wiki.provider_obj?.component, 'ak-provider-oauth2-form');
      const own = await api.patch('/api/v3/core/applications/wiki/', {
        meta_launch_url: 'https://wiki.example.com/start',
      });
      assert.equal((own.json() as AppBody).launch_url, 'https://wiki.example.com/start');
    });

    it('has neither without a provider', async () => {
      const bare = await create('bare', {});
      assert.deepEqual([bare.provider_obj, bare.launch_url], [null, null]);
    });
  });
}
