import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureInitialObjects } from '../../src/bootstrap.ts';
import { findTokenByIdentifier, revealTokenKey } from '../../src/identity/tokens-repository.ts';
import { deleteUser, findUserByUsername } from '../../src/identity/users-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { insertTestProvider } from '../support/outposts.ts';

interface OutpostBody {
  pk: string;
  name: string;
  type: string;
  providers: number[];
  providers_obj: Array<{ pk: number; name: string; verbose_name: string }>;
  service_connection: string | null;
  service_connection_obj: { pk: string; name: string; verbose_name: string; component: string } | null;
  refresh_interval_s: number;
  token_identifier: string;
  config: Record<string, unknown>;
  managed: string | null;
}
type Page = { results: OutpostBody[]; pagination: { count: number } };

const EMBEDDED = 'authentik Embedded Outpost';
const hex = (uuid: string) => uuid.replaceAll('-', '');

for (const backend of testBackends()) {
  describe(`outposts API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let ldap: number;
    let ldap2: number;
    let oauth2: number;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      ldap = await insertTestProvider(t.db, 'ldap', 'Directory');
      ldap2 = await insertTestProvider(t.db, 'ldap', 'Directory 2');
      const flows = (await api.get('/api/v3/flows/instances/?page_size=100')).json() as {
        results: Array<{ slug: string; pk: string }>;
      };
      const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
      const created = await api.post('/api/v3/providers/oauth2/', {
        name: 'Grafana',
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
        invalidation_flow: flow('default-invalidation-flow'),
        redirect_uris: [],
      });
      oauth2 = (created.json() as { pk: number }).pk;
    });
    after(() => t.close());

    const embedded = async () =>
      (
        (
          await api.get(`/api/v3/outposts/instances/?name__iexact=${encodeURIComponent(EMBEDDED)}`)
        ).json() as Page
      ).results[0] as OutpostBody;

    it('has the embedded outpost from the first start, with every config key at its default', async () => {
      const outpost = await embedded();
      assert.equal(outpost.name, EMBEDDED);
      assert.equal(outpost.managed, 'goauthentik.io/outposts/embedded');
      assert.equal(outpost.type, 'proxy');
      assert.deepEqual(outpost.providers, []);
      assert.equal(outpost.service_connection, null);
      assert.equal(outpost.refresh_interval_s, 300);
      assert.equal(outpost.token_identifier, `ak-outpost-${outpost.pk}-api`);
      assert.deepEqual(outpost.config, {
        log_level: 'error', // the tests' core log level is silent
        authentik_host: '',
        authentik_host_insecure: false,
        authentik_host_browser: '',
        object_naming_template: 'ak-outpost-%(name)s',
        refresh_interval: 'minutes=5',
        container_image: null,
        docker_network: null,
        docker_map_ports: true,
        docker_labels: null,
        kubernetes_replicas: 1,
        kubernetes_namespace: 'default',
        kubernetes_ingress_annotations: {},
        kubernetes_ingress_secret_name: 'authentik-outpost-tls',
        kubernetes_ingress_class_name: null,
        kubernetes_ingress_path_type: null,
        kubernetes_httproute_annotations: {},
        kubernetes_httproute_parent_refs: [],
        kubernetes_service_type: 'ClusterIP',
        kubernetes_disabled_components: [],
        kubernetes_image_pull_secrets: [],
        kubernetes_json_patches: null,
        kubernetes_disable_x509_strict: false,
      });
      const account = await findUserByUsername(t.db, `ak-outpost-${hex(outpost.pk)}`);
      assert.equal(account?.name, `Outpost ${EMBEDDED} Service-Account`);
    });

    it('answers the default settings with authentik_host set to the URL the API was reached at', async () => {
      const res = await api.get('/api/v3/outposts/instances/default_settings/');
      const { config } = res.json() as { config: Record<string, unknown> };
      assert.match(String(config.authentik_host), /^http:\/\/localhost(:80)?\/$/);
      assert.equal(config.object_naming_template, 'ak-outpost-%(name)s');
      assert.equal(config.kubernetes_service_type, 'ClusterIP');
    });

    it('creates an outpost with its service account and token; missing keys default, unknown ones are dropped', async () => {
      const res = await api.post('/api/v3/outposts/instances/', {
        name: 'LDAP edge',
        type: 'ldap',
        providers: [ldap],
        config: { authentik_host: 'https://auth.example.com/', kubernetes_replicas: 3, not_a_key: 1 },
      });
      assert.equal(res.statusCode, 201, res.body);
      const outpost = res.json() as OutpostBody;
      assert.equal(outpost.config.kubernetes_replicas, 3);
      assert.equal(outpost.config.authentik_host, 'https://auth.example.com/');
      assert.equal(outpost.config.refresh_interval, 'minutes=5');
      assert.ok(!('not_a_key' in outpost.config));
      assert.deepEqual(outpost.providers, [ldap]);
      assert.deepEqual(
        outpost.providers_obj.map((p) => [p.pk, p.name, p.verbose_name]),
        [[ldap, 'Directory', 'LDAP Provider']],
      );

      const user = await findUserByUsername(t.db, `ak-outpost-${hex(outpost.pk)}`);
      assert.ok(user);
      assert.equal(user.type, 'internal_service_account');
      assert.equal(user.name, 'Outpost LDAP edge Service-Account');
      assert.equal(user.path, 'goauthentik.io/outposts');
      assert.equal(user.hasUsablePassword, false);
      const token = await findTokenByIdentifier(t.db, `ak-outpost-${outpost.pk}-api`);
      assert.ok(token);
      assert.equal(token.intent, 'api');
      assert.equal(token.expiring, false);
      assert.equal(token.userId, user.id);
      assert.equal(token.managed, `goauthentik.io/outpost/ak-outpost-${outpost.pk}-api`);
      assert.equal(token.description, 'Autogenerated by authentik for Outpost LDAP edge');
      assert.ok(((await revealTokenKey(t.db, t.ctx.box, token.identifier)) ?? '').length >= 60);
    });

    it('refuses bad input with 400s that name the field and the key', async () => {
      const base = { name: 'Bad', type: 'ldap', providers: [ldap], config: {} };
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ config: { kubernetes_replicas: 'two' } }, 'config', /^kubernetes_replicas: must be/],
        [
          { config: { kubernetes_disabled_components: ['deployment', 'pods'] } },
          'config',
          /^kubernetes_disabled_components: must be a list of: secret, deployment/,
        ],
        [
          { config: { refresh_interval: 'minutes=soon' } },
          'config',
          /^refresh_interval: "minutes=soon" is not a duration/,
        ],
        [
          { config: { kubernetes_json_patches: { deployment: [{ op: 'add', path: '/spec' }] } } },
          'config',
          /^kubernetes_json_patches: must be/,
        ],
        [
          { type: 'proxy', providers: [oauth2] },
          'providers',
          /^Outpost type proxy can't be used with OAuth2Provider providers\.$/,
        ],
        [
          { providers: [ldap, oauth2] },
          'providers',
          /^Outpost type ldap can't be used with OAuth2Provider providers\.$/,
        ],
        [{ providers: [] }, 'providers', /^This list may not be empty\.$/],
        [{ providers: [999999] }, 'providers', /^Invalid pk "999999" - object does not exist\.$/],
        [
          { service_connection: '00000000-0000-4000-8000-000000000000' },
          'service_connection',
          /does not exist/,
        ],
        [{ name: 'LDAP edge' }, 'name', /already exists/],
        [{ managed: 'goauthentik.io/outposts/embedded' }, 'managed', /reserved for the embedded outpost/],
      ];
      for (const [change, field, message] of cases) {
        const res = await api.post('/api/v3/outposts/instances/', { ...base, ...change });
        assert.equal(res.statusCode, 400, `${JSON.stringify(change)}: ${res.body}`);
        const messages = (res.json() as Record<string, string[]>)[field];
        assert.ok(
          messages?.some((m) => message.test(m)),
          `${JSON.stringify(change)}: ${res.body}`,
        );
      }
      const list = (await api.get('/api/v3/outposts/instances/?name__iexact=Bad')).json() as Page;
      assert.equal(list.pagination.count, 0);
      assert.equal((await api.post('/api/v3/outposts/instances/', { ...base, type: 'ssh' })).statusCode, 400);
    });

    it('updates: a rename renames the account, PATCH keeps what it does not send, PUT config replaces', async () => {
      const created = (
        await api.post('/api/v3/outposts/instances/', {
          name: 'Edge two',
          type: 'ldap',
          providers: [ldap],
          config: { kubernetes_namespace: 'edge' },
        })
      ).json() as OutpostBody;
      const url = `/api/v3/outposts/instances/${created.pk}/`;
      const patched = await api.patch(url, { name: 'Edge 2', providers: [ldap, ldap2] });
      assert.equal(patched.statusCode, 200, patched.body);
      const body = patched.json() as OutpostBody;
      assert.deepEqual(
        body.providers,
        [ldap, ldap2].sort((a, b) => a - b),
      );
      assert.equal(body.config.kubernetes_namespace, 'edge');
      const user = await findUserByUsername(t.db, `ak-outpost-${hex(created.pk)}`);
      assert.equal(user?.name, 'Outpost Edge 2 Service-Account');
      const put = await api.put(url, {
        name: 'Edge 2',
        type: 'ldap',
        providers: [ldap2],
        config: { refresh_interval: 'hours=1;minutes=30' },
      });
      assert.equal(put.statusCode, 200, put.body);
      const replaced = put.json() as OutpostBody;
      assert.equal(replaced.refresh_interval_s, 5400);
      assert.equal(replaced.config.kubernetes_namespace, 'default', 'a key left out takes its default again');
      assert.deepEqual(replaced.providers, [ldap2]);
      const bad = await api.patch(url, { config: { docker_map_ports: 'yes' } });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual((bad.json() as { config: string[] }).config, ['docker_map_ports: must be a boolean']);
      const missing = await api.patch('/api/v3/outposts/instances/00000000-0000-4000-8000-000000000000/', {});
      assert.equal(missing.statusCode, 404);
    });

    it('protects the embedded outpost: no rename, no deletion, but no providers needed', async () => {
      const outpost = await embedded();
      const url = `/api/v3/outposts/instances/${outpost.pk}/`;
      const rename = await api.patch(url, { name: 'Mine now' });
      assert.equal(rename.statusCode, 400);
      assert.deepEqual((rename.json() as { name: string[] }).name, [
        "Embedded outpost's name cannot be changed",
      ]);
      const removed = await api.delete(url);
      assert.equal(removed.statusCode, 400);
      assert.equal((removed.json() as { code: string }).code, 'protected_object');
      const retype = await api.patch(url, { type: 'ldap' });
      assert.equal(retype.statusCode, 400);
      const configured = await api.patch(url, {
        providers: [],
        config: { authentik_host: 'https://auth.example.com/' },
      });
      assert.equal(configured.statusCode, 200, configured.body);
      assert.equal((await embedded()).config.authentik_host, 'https://auth.example.com/');
    });

    it('repairs a deleted token on the next read, and a deleted account at start', async () => {
      const outpost = (
        await api.post('/api/v3/outposts/instances/', {
          name: 'Repair',
          type: 'ldap',
          providers: [ldap],
          config: {},
        })
      ).json() as OutpostBody;
      const identifier = outpost.token_identifier;
      const before = await revealTokenKey(t.db, t.ctx.box, identifier);
      assert.equal((await api.delete(`/api/v3/core/tokens/${identifier}/`)).statusCode, 204);
      assert.equal((await api.get(`/api/v3/outposts/instances/${outpost.pk}/`)).statusCode, 200);
      const after = await revealTokenKey(t.db, t.ctx.box, identifier);
      assert.ok(after, 'the token is back');
      assert.notEqual(after, before, 'with a new key');

      const user = await findUserByUsername(t.db, `ak-outpost-${hex(outpost.pk)}`);
      assert.ok(user);
      await deleteUser(t.db, user.id);
      assert.equal(await findTokenByIdentifier(t.db, identifier), undefined);
      await ensureInitialObjects(t.ctx, t.app.log);
      const again = await findUserByUsername(t.db, `ak-outpost-${hex(outpost.pk)}`);
      assert.equal(again?.type, 'internal_service_account');
      assert.equal((await findTokenByIdentifier(t.db, identifier))?.userId, again?.id);
    });

    it('deletes an outpost with its service account and token', async () => {
      const outpost = (
        await api.post('/api/v3/outposts/instances/', {
          name: 'Gone',
          type: 'ldap',
          providers: [ldap],
          config: {},
        })
      ).json() as OutpostBody;
      const res = await api.delete(`/api/v3/outposts/instances/${outpost.pk}/`);
      assert.equal(res.statusCode, 204);
      assert.equal((await api.get(`/api/v3/outposts/instances/${outpost.pk}/`)).statusCode, 404);
      assert.equal(await findUserByUsername(t.db, `ak-outpost-${hex(outpost.pk)}`), undefined);
      assert.equal(await findTokenByIdentifier(t.db, outpost.token_identifier), undefined);
      assert.equal((await api.delete(`/api/v3/outposts/instances/${outpost.pk}/`)).statusCode, 404);
    });

    it('filters, searches and orders the list', async () => {
      const names = async (query: string) =>
        ((await api.get(`/api/v3/outposts/instances/?${query}`)).json() as Page).results.map((o) => o.name);
      assert.deepEqual(await names('providers__isnull=true'), [EMBEDDED]);
      assert.ok(!(await names('providers__isnull=false')).includes(EMBEDDED));
      assert.deepEqual(await names('name__icontains=EDGE&ordering=-name'), ['LDAP edge', 'Edge 2']);
      assert.deepEqual(await names(`providers_by_pk=${ldap2}`), ['Edge 2']);
      assert.deepEqual(await names('search=Directory 2'), ['Edge 2']);
      assert.deepEqual(await names('managed__iexact=goauthentik.io/outposts/embedded'), [EMBEDDED]);
      assert.deepEqual(await names('service_connection__name__icontains=docker'), []);
    });

    it('shows the integration of an outpost deployed through one, and filters by its name', async () => {
      const connection = await api.post('/api/v3/outposts/service_connections/docker/', {
        name: 'Edge Docker',
        url: 'unix:///nonexistent/docker.sock',
      });
      assert.equal(connection.statusCode, 201, connection.body);
      const uuid = (connection.json() as { pk: string }).pk;
      const created = await api.post('/api/v3/outposts/instances/', {
        name: 'Docker edge',
        type: 'ldap',
        providers: [ldap],
        service_connection: uuid,
        config: {},
      });
      assert.equal(created.statusCode, 201, created.body);
      const outpost = created.json() as OutpostBody;
      assert.equal(outpost.service_connection, uuid);
      assert.equal(outpost.service_connection_obj?.pk, uuid);
      assert.equal(outpost.service_connection_obj?.name, 'Edge Docker');
      assert.equal(outpost.service_connection_obj?.component, 'ak-service-connection-docker-form');
      assert.equal((await embedded()).service_connection_obj, null);
      const names = async (query: string) =>
        ((await api.get(`/api/v3/outposts/instances/?${query}`)).json() as Page).results.map((o) => o.name);
      assert.deepEqual(await names('service_connection__name__icontains=docker'), ['Docker edge']);
      assert.deepEqual(await names('service_connection__name__iexact=edge%20docker'), ['Docker edge']);
      assert.deepEqual(await names('service_connection__name__iexact=edge'), []);
      assert.equal((await api.delete(`/api/v3/outposts/instances/${outpost.pk}/`)).statusCode, 204);
      const gone = await api.delete(`/api/v3/outposts/service_connections/all/${uuid}/`);
      assert.equal(gone.statusCode, 204);
    });
  });
}
