import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { queryOne } from '../../src/db/database.ts';
import { apiClient } from '../support/api-client.ts';
import { CLUSTER_CHANNEL, parseClusterMessage } from '../../src/outposts/hub/cluster-bus.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { flowPks } from '../support/flows.ts';

interface OutpostConfig {
  pk: number;
  name: string;
  client_id: string;
  client_secret: string;
  cookie_secret: string;
  external_host: string;
  oidc_configuration: Record<string, string | string[]>;
  access_token_validity: number | null;
  scopes_to_request: string[];
  assigned_application_slug: string;
  assigned_application_name: string;
}
interface Page<T> {
  pagination: { count: number; next: number };
  results: T[];
}

const CALLBACK = '/outpost.goauthentik.io/callback?X-authentik-auth-callback=true';

for (const backend of testBackends()) {
  describe(`outposts' proxy configuration on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    const flows: Record<string, string> = {};
    const providers: Record<string, { pk: number; client_id: string }> = {};
    const outposts: Record<string, string> = {};
    let entitlements = '';

    async function provider(name: string, extra: Record<string, unknown> = {}) {
      const res = await api.post('/api/v3/providers/proxy/', {
        name,
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        invalidation_flow: flows['default-invalidation-flow'],
        external_host: `https://${name}.example.com`,
        internal_host: `http://${name}-backend:8080`,
        ...extra,
      });
      assert.equal(res.statusCode, 201, res.body);
      providers[name] = res.json() as { pk: number; client_id: string };
      return providers[name];
    }
    async function application(slug: string, providerPk: number) {
      const res = await api.post('/api/v3/core/applications/', { name: slug, slug, provider: providerPk });
      assert.equal(res.statusCode, 201, res.body);
    }
    async function outpost(name: string, served: number[]) {
      const row = await queryOne<{ uuid: string }>(
        t.db,
        'INSERT INTO outposts (name) VALUES ($1) RETURNING uuid',
        [name],
      );
      outposts[name] = row?.uuid ?? '';
      for (const id of served)
        await t.db.query('INSERT INTO outpost_providers (outpost_uuid, provider_id) VALUES ($1, $2)', [
          row?.uuid,
          id,
        ]);
    }

    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      Object.assign(flows, await flowPks(api));
      const scopes = (
        await api.get('/api/v3/propertymappings/provider/scope/?scope_name=entitlements')
      ).json() as Page<{ pk: string }>;
      entitlements = scopes.results[0]?.pk ?? '';
      const grafana = await provider('grafana', {
        property_mappings: [entitlements],
        access_token_validity: 'hours=24',
      });
      const wiki = await provider('wiki', { mode: 'forward_single', internal_host: '' });
      const unbound = await provider('unbound');
      const unserved = await provider('unserved');
      await application('grafana-app', grafana.pk);
      await application('wiki-app', wiki.pk);
      await application('unserved-app', unserved.pk);
      await outpost('first', [grafana.pk, unbound.pk]);
      await outpost('second', [wiki.pk, grafana.pk]);
    });
    after(() => t.close());

    it("gives an outpost the providers it serves that have an application, with the client's secrets", async () => {
      const page = (
        await api.get(`/api/v3/outposts/proxy/?outpost=${outposts.first}`)
      ).json() as Page<OutpostConfig>;
      assert.deepEqual(
        page.results.map((p) => p.name),
        ['grafana'],
      );
      const config = page.results[0];
      assert.ok(config);
      const client = (await api.get(`/api/v3/providers/oauth2/${config.pk}/`)).json() as {
        client_id: string;
        client_secret: string;
      };
      assert.equal(config.client_id, client.client_id);
      assert.equal(config.client_secret, client.client_secret);
      const stored = await queryOne<{ sealed: string }>(
        t.db,
        'SELECT cookie_secret_sealed AS sealed FROM proxy_providers WHERE provider_id = $1',
        [config.pk],
      );
      assert.match(config.cookie_secret, /^[A-Z0-9]{32}$/);
      assert.equal(config.cookie_secret, t.ctx.box.open(stored?.sealed ?? ''));
      assert.equal(config.access_token_validity, 86400);
      assert.deepEqual([...config.scopes_to_request].sort(), [
        'ak_proxy',
        'email',
        'entitlements',
        'openid',
        'profile',
      ]);
      assert.equal(config.assigned_application_slug, 'grafana-app');
      assert.equal(config.assigned_application_name, 'grafana-app');
      const second = (
        await api.get(`/api/v3/outposts/proxy/?outpost=${outposts.second}`)
      ).json() as Page<OutpostConfig>;
      assert.deepEqual(
        second.results.map((p) => p.name),
        ['grafana', 'wiki'],
      );
      const provider = (await api.get(`/api/v3/providers/proxy/${config.pk}/`)).json() as {
        outpost_set: string[];
      };
      assert.deepEqual(provider.outpost_set, ['first', 'second']);
    });

    it("names the application's issuer endpoints as its discovery document does", async () => {
      const page = (
        await api.get(`/api/v3/outposts/proxy/?outpost=${outposts.first}`)
      ).json() as Page<OutpostConfig>;
      const oidc = page.results[0]?.oidc_configuration ?? {};
      const discovery = await t.app.inject({
        url: '/application/o/grafana-app/.well-known/openid-configuration',
      });
      assert.equal(discovery.statusCode, 200);
      const meta = discovery.json() as Record<string, unknown>;
      for (const key of [
        'issuer',
        'authorization_endpoint',
        'token_endpoint',
        'userinfo_endpoint',
        'end_session_endpoint',
        'introspection_endpoint',
        'jwks_uri',
      ]) {
        assert.equal(oidc[key], meta[key], key);
      }
      assert.deepEqual(oidc.id_token_signing_alg_values_supported, ['HS256']);
      assert.deepEqual(oidc.response_types_supported, meta.response_types_supported);
    });

    it('lists every outpost’s providers without ?outpost=, filtered and paginated', async () => {
      const all = (await api.get('/api/v3/outposts/proxy/')).json() as Page<OutpostConfig>;
      assert.deepEqual(
        all.results.map((p) => p.name),
        ['grafana', 'unserved', 'wiki'],
      );
      const named = (await api.get('/api/v3/outposts/proxy/?name=wiki')).json() as Page<OutpostConfig>;
      assert.deepEqual(
        named.results.map((p) => p.name),
        ['wiki'],
      );
      const first = (await api.get('/api/v3/outposts/proxy/?page_size=2')).json() as Page<OutpostConfig>;
      assert.equal(first.pagination.count, 3);
      assert.equal(first.pagination.next, 2);
      assert.equal(first.results.length, 2);
      const unknown = await api.get('/api/v3/outposts/proxy/?outpost=00000000-0000-4000-8000-000000000000');
      assert.equal(unknown.statusCode, 400);
      assert.ok((unknown.json() as Record<string, unknown>).outpost);
      const anonymous = await t.app.inject({ url: '/api/v3/outposts/proxy/' });
      assert.equal(anonymous.statusCode, 403);
    });

    /** What the real authorization endpoint answers a proxy provider's client asking to return to `redirect`. */
    async function authorize(clientId: string, redirect: string) {
      const query = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirect,
        response_type: 'code',
        scope: 'openid profile email ak_proxy',
        state: 'outpost-state',
      });
      return t.app.inject({ url: `/application/o/authorize/?${query}` });
    }

    it('lets the authorization endpoint accept the outpost callback, and no other host', async () => {
      const { client_id: clientId } = providers.grafana ?? { client_id: '' };
      for (const accepted of [
        `https://grafana.example.com${CALLBACK}`,
        'https://grafana.example.com?X-authentik-auth-callback=true',
      ]) {
        const res = await authorize(clientId, accepted);
        assert.equal(res.statusCode, 303, `${accepted}: ${res.body}`);
        assert.match(String(res.headers.location), /\/application\/o\/interaction\/[^/]+\/$/);
      }
      for (const refused of [
        `https://wiki.example.com${CALLBACK}`,
        `https://grafana.example.com.evil.test${CALLBACK}`,
        `https://grafanaXexample.com${CALLBACK}`,
        'https://grafana.example.com/outpost.goauthentik.io/callback',
        `https://grafana.example.com/elsewhere${CALLBACK}`,
      ]) {
        const res = await authorize(clientId, refused);
        assert.equal(res.statusCode, 400, refused);
        assert.match(res.body, /redirect_uri/);
        assert.equal(res.headers.location, undefined);
      }
    });

    it('follows a change of external_host at the authorization endpoint', async () => {
      const { pk, client_id: clientId } = providers.grafana ?? { pk: 0, client_id: '' };
      const notified = await outpostNotifications(t);
      const moved = await api.patch(`/api/v3/providers/proxy/${pk}/`, {
        external_host: 'https://dash.example.org',
      });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.equal((await authorize(clientId, `https://dash.example.org${CALLBACK}`)).statusCode, 303);
      assert.equal((await authorize(clientId, `https://grafana.example.com${CALLBACK}`)).statusCode, 400);
      const page = (
        await api.get(`/api/v3/outposts/proxy/?outpost=${outposts.first}`)
      ).json() as Page<OutpostConfig>;
      assert.equal(page.results[0]?.external_host, 'https://dash.example.org');
      assert.deepEqual(await notified(), [outposts.first ?? '', outposts.second ?? ''].sort());
    });

    it('tells the outposts that served a deleted provider to reload, and stops listing it', async () => {
      const notified = await outpostNotifications(t);
      const wiki = providers.wiki?.pk ?? 0;
      assert.equal((await api.delete(`/api/v3/providers/proxy/${wiki}/`)).statusCode, 204);
      assert.deepEqual(await notified(), [outposts.second]);
      const page = (
        await api.get(`/api/v3/outposts/proxy/?outpost=${outposts.second}`)
      ).json() as Page<OutpostConfig>;
      assert.deepEqual(
        page.results.map((p) => p.name),
        ['grafana'],
      );
    });
  });
}

/**
 * Listens on the cluster bus (what the websocket hub of every core process hears) and answers, when asked,
 * which outposts were told to reload meanwhile.
 */
async function outpostNotifications(t: TestApp): Promise<() => Promise<string[]>> {
  const uuids: string[] = [];
  const stop = await t.ctx.db.listen(CLUSTER_CHANNEL, (payload) => {
    const message = parseClusterMessage(payload);
    if (message?.type === 'outposts.update') uuids.push(...message.outpost_uuids);
  });
  return async () => {
    // NOTIFY is delivered after the commit, asynchronously: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stop();
    return uuids.sort();
  };
}
