import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { queryOne } from '../../src/db/database.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { flowPks } from '../support/flows.ts';

interface ProxyBody {
  pk: number;
  name: string;
  client_id: string;
  mode: string;
  internal_host: string;
  external_host: string;
  component: string;
  meta_model_name: string;
  property_mappings: string[];
  redirect_uris: Array<{ matching_mode: string; url: string }>;
  access_token_validity: string;
  certificate: string | null;
  outpost_set: string[];
  skip_path_regex: string;
  intercept_header_auth: boolean;
}

for (const backend of testBackends()) {
  describe(`proxy providers API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    const flows: Record<string, string> = {};
    const mappings: Record<string, string> = {};
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      Object.assign(flows, await flowPks(api));
      const scopes = (await api.get('/api/v3/propertymappings/provider/scope/?page_size=100')).json() as {
        results: Array<{ pk: string; scope_name: string }>;
      };
      for (const m of scopes.results) mappings[m.scope_name] = m.pk;
    });
    after(() => t.close());

    const base = (name: string) => ({
      name,
      authorization_flow: flows['default-provider-authorization-implicit-consent'],
      invalidation_flow: flows['default-invalidation-flow'],
      external_host: `https://${name.toLowerCase()}.example.com`,
      internal_host: 'http://backend:8080',
    });
    const create = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/providers/proxy/', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as ProxyBody;
    };
    const cookieSecret = async (pk: number) => {
      const row = await queryOne<{ sealed: string }>(
        t.db,
        'SELECT cookie_secret_sealed AS sealed FROM proxy_providers WHERE provider_id = $1',
        [pk],
      );
      return t.ctx.box.open(row?.sealed ?? '');
    };
    const client = (pk: number) =>
      queryOne<{ client_type: string; signing_key: string | null; include_claims_in_id_token: boolean }>(
        t.db,
        'SELECT client_type, signing_key, include_claims_in_id_token FROM oauth2_providers WHERE provider_id = $1',
        [pk],
      );

    it('creates a provider whose client is confidential, unsigned, with the callback redirect URIs', async () => {
      const created = await create(base('Grafana'));
      assert.equal(created.mode, 'proxy');
      assert.equal(created.component, 'ak-provider-proxy-form');
      assert.equal(created.meta_model_name, 'authentik_providers_proxy.proxyprovider');
      assert.equal(created.intercept_header_auth, true);
      assert.equal(created.access_token_validity, 'hours=1');
      assert.deepEqual(created.outpost_set, []);
      assert.ok(created.client_id.length >= 32);
      assert.deepEqual(created.redirect_uris, [
        {
          matching_mode: 'regex',
          url: 'https://grafana\\.example\\.com/outpost\\.goauthentik\\.io/callback\\?X-authentik-auth-callback=true',
        },
        { matching_mode: 'regex', url: 'https://grafana\\.example\\.com\\?X-authentik-auth-callback=true' },
      ]);
      assert.deepEqual(
        [...created.property_mappings].sort(),
        [mappings.openid, mappings.profile, mappings.email, mappings.ak_proxy].sort(),
      );
      assert.deepEqual(await client(created.pk), {
        client_type: 'confidential',
        signing_key: null,
        include_claims_in_id_token: true,
      });
      assert.match(await cookieSecret(created.pk), /^[A-Z0-9]{32}$/);
      const again = (await api.get(`/api/v3/providers/proxy/${created.pk}/`)).json() as ProxyBody;
      assert.deepEqual(again, created);
      assert.ok(!('client_secret' in again) && !('cookie_secret' in again), 'secrets are for outposts only');
    });

    it('keeps the redirect URIs, client settings and cookie secret in step across updates', async () => {
      const created = await create({ ...base('Wiki'), property_mappings: [mappings.entitlements] });
      assert.ok(created.property_mappings.includes(mappings.entitlements ?? ''));
      const secret = await cookieSecret(created.pk);
      // Someone turns the client public and drops its URIs through the OAuth2 API: the proxy settings win.
      const viaOAuth2 = await api.patch(`/api/v3/providers/oauth2/${created.pk}/`, {
        client_type: 'public',
        include_claims_in_id_token: false,
        redirect_uris: [],
      });
      assert.equal(viaOAuth2.statusCode, 200, viaOAuth2.body);
      assert.equal((viaOAuth2.json() as { client_type: string }).client_type, 'confidential');
      const url = `/api/v3/providers/proxy/${created.pk}/`;
      const moved = await api.patch(url, { external_host: 'https://wiki.example.org/app/' });
      assert.equal(moved.statusCode, 200, moved.body);
      const body = moved.json() as ProxyBody;
      assert.deepEqual(
        body.redirect_uris.map((r) => r.url),
        [
          'https://wiki\\.example\\.org/app/outpost\\.goauthentik\\.io/callback\\?X-authentik-auth-callback=true',
          'https://wiki\\.example\\.org/app/\\?X-authentik-auth-callback=true',
        ],
      );
      const put = await api.put(url, {
        ...base('Wiki'),
        mode: 'forward_single',
        internal_host: '',
        property_mappings: [],
      });
      assert.equal(put.statusCode, 200, put.body);
      const replaced = put.json() as ProxyBody;
      assert.equal(replaced.mode, 'forward_single');
      assert.equal(replaced.client_id, created.client_id, 'the client id is made once');
      assert.ok(
        !replaced.property_mappings.includes(mappings.entitlements ?? ''),
        'chosen mappings replaced',
      );
      assert.equal(replaced.property_mappings.length, 4, 'the defaults stay');
      assert.equal(await cookieSecret(created.pk), secret, 'the cookie secret is made once');
      assert.deepEqual(await client(created.pk), {
        client_type: 'confidential',
        signing_key: null,
        include_claims_in_id_token: true,
      });
    });

    it('never gives two providers the same cookie secret', async () => {
      const secrets = new Set<string>();
      for (const name of ['C1', 'C2', 'C3']) secrets.add(await cookieSecret((await create(base(name))).pk));
      assert.equal(secrets.size, 3);
    });

    it('refers to a certificate-key pair, which must exist and have a key', async () => {
      const keypair = await queryOne<{ kp_uuid: string }>(
        t.db,
        `INSERT INTO certificate_keypairs (name, certificate_data, key_data_sealed)
         VALUES ('tls', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', $1) RETURNING kp_uuid`,
        [t.ctx.box.seal('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----')],
      );
      const created = await create({ ...base('Tls'), certificate: keypair?.kp_uuid });
      assert.equal(created.certificate, keypair?.kp_uuid);
      const filtered = (
        await api.get(`/api/v3/providers/proxy/?certificate__kp_uuid__iexact=${keypair?.kp_uuid}`)
      ).json() as { results: ProxyBody[] };
      assert.deepEqual(
        filtered.results.map((p) => p.name),
        ['Tls'],
      );
      await t.db.query('DELETE FROM certificate_keypairs WHERE kp_uuid = $1', [keypair?.kp_uuid]);
      const after = (await api.get(`/api/v3/providers/proxy/${created.pk}/`)).json() as ProxyBody;
      assert.equal(after.certificate, null, 'deleting the keypair leaves the provider without TLS');
    });

    it('names the field of every invalid value', async () => {
      const keyless = await queryOne<{ kp_uuid: string }>(
        t.db,
        "INSERT INTO certificate_keypairs (name, certificate_data) VALUES ('ca only', 'pem') RETURNING kp_uuid",
      );
      const cases: Array<[Record<string, unknown>, string, RegExp?]> = [
        [
          { ...base('R1'), skip_path_regex: '^/health$\n\n^/api/(unclosed\n^/ok' },
          'skip_path_regex',
          /Line 3/,
        ],
        [{ ...base('R2'), skip_path_regex: '^/x\n'.repeat(101) }, 'skip_path_regex', /At most 100/],
        [{ ...base('R3'), skip_path_regex: `^/${'a'.repeat(1001)}` }, 'skip_path_regex', /longer than/],
        [{ ...base('M1'), internal_host: '' }, 'internal_host', /cannot be empty/],
        [{ ...base('M2'), internal_host: undefined }, 'internal_host', /cannot be empty/],
        [{ ...base('U1'), external_host: 'not a url' }, 'external_host'],
        [{ ...base('U2'), external_host: 'ftp://files.example.com' }, 'external_host', /http and https/],
        [{ ...base('U3'), external_host: 'https://a.example.com/?x=1' }, 'external_host', /query/],
        [{ ...base('U4'), internal_host: 'file:///etc/passwd' }, 'internal_host', /http and https/],
        [{ ...base('U5'), internal_host: 'http://user:pw@backend' }, 'internal_host', /credentials/],
        [
          { ...base('K1'), certificate: '00000000-0000-4000-8000-000000000000' },
          'certificate',
          /does not exist/,
        ],
        [{ ...base('K2'), certificate: keyless?.kp_uuid }, 'certificate', /no private key/],
        [
          { ...base('F1'), authorization_flow: '00000000-0000-4000-8000-000000000000' },
          'authorization_flow',
          /does not exist/,
        ],
        [{ ...base('F2'), invalidation_flow: flows['default-authentication-flow'] }, 'invalidation_flow'],
        [{ ...base('F3'), authorization_flow: undefined }, 'authorization_flow', /required/],
        [{ ...base('P1'), property_mappings: ['00000000-0000-4000-8000-000000000000'] }, 'property_mappings'],
        [{ ...base('V1'), access_token_validity: 'fortnights=1' }, 'access_token_validity'],
        [
          { ...base('B1'), basic_auth_enabled: true, basic_auth_user_attribute: 'user' },
          'basic_auth_enabled',
        ],
        [{ ...base('X1'), mode: 'forward_everything' }, 'mode'],
        [{ ...base('X2'), jwt_federation_providers: [1] }, 'jwt_federation_providers'],
        [{ ...base('Grafana') }, 'name', /already exists/],
      ];
      for (const [body, field, message] of cases) {
        const res = await api.post('/api/v3/providers/proxy/', body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body).slice(0, 200)}: ${res.body}`);
        const messages = (res.json() as Record<string, string[] | undefined>)[field];
        assert.ok(messages, `${field}: ${res.body}`);
        if (message) assert.match(messages.join(' '), message);
      }
    });

    it('checks a partial update as the provider it would leave', async () => {
      const created = await create({ ...base('Forward'), mode: 'forward_single', internal_host: '' });
      const url = `/api/v3/providers/proxy/${created.pk}/`;
      const toProxy = await api.patch(url, { mode: 'proxy' });
      assert.equal(toProxy.statusCode, 400);
      assert.ok((toProxy.json() as Record<string, unknown>).internal_host);
      const attrs = await api.patch(url, {
        basic_auth_user_attribute: 'u',
        basic_auth_password_attribute: 'p',
      });
      assert.equal(attrs.statusCode, 200, attrs.body);
      assert.equal((await api.patch(url, { basic_auth_enabled: true })).statusCode, 200);
      const badRegex = await api.patch(url, { skip_path_regex: '[' });
      assert.equal(badRegex.statusCode, 400);
      const missing = await api.patch('/api/v3/providers/proxy/999999/', { name: 'x' });
      assert.equal(missing.statusCode, 404);
    });

    it('lists proxy providers with filters, and as proxy providers in /providers/all/', async () => {
      const list = (await api.get('/api/v3/providers/proxy/?mode__iexact=FORWARD_SINGLE')).json() as {
        results: ProxyBody[];
      };
      assert.deepEqual(
        list.results.map((p) => p.name),
        ['Forward', 'Wiki'],
      );
      const byHost = (
        await api.get('/api/v3/providers/proxy/?external_host__iexact=HTTPS://C1.example.com')
      ).json() as {
        results: ProxyBody[];
      };
      assert.deepEqual(
        byHost.results.map((p) => p.name),
        ['C1'],
      );
      await api.post('/api/v3/providers/oauth2/', {
        name: 'Plain OAuth2',
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        invalidation_flow: flows['default-invalidation-flow'],
        redirect_uris: [{ matching_mode: 'strict', url: 'https://rp.example.com/cb' }],
      });
      const all = (await api.get('/api/v3/providers/all/?page_size=100')).json() as {
        results: Array<{ name: string; component: string; verbose_name: string; meta_model_name: string }>;
      };
      const grafana = all.results.find((p) => p.name === 'Grafana');
      assert.deepEqual(
        [grafana?.component, grafana?.verbose_name, grafana?.meta_model_name],
        ['ak-provider-proxy-form', 'Proxy Provider', 'authentik_providers_proxy.proxyprovider'],
      );
      const plain = all.results.find((p) => p.name === 'Plain OAuth2');
      assert.equal(plain?.component, 'ak-provider-oauth2-form');
      const proxyOnly = (await api.get('/api/v3/providers/proxy/?page_size=100')).json() as {
        results: ProxyBody[];
      };
      assert.ok(!proxyOnly.results.some((p) => p.name === 'Plain OAuth2'));
      // As in the reference, a proxy provider is an OAuth2 provider too, and /providers/oauth2/ lists it.
      const oauth2 = (await api.get('/api/v3/providers/oauth2/?name=Grafana')).json() as {
        results: Array<{ name: string; client_type: string }>;
      };
      assert.deepEqual(
        oauth2.results.map((p) => p.client_type),
        ['confidential'],
      );
    });

    it('deletes a proxy provider with its client, and no other kind of provider', async () => {
      const created = await create(base('Doomed'));
      const plain = (await api.get('/api/v3/providers/oauth2/?name=Plain%20OAuth2')).json() as {
        results: Array<{ pk: number }>;
      };
      assert.equal((await api.delete(`/api/v3/providers/proxy/${plain.results[0]?.pk}/`)).statusCode, 404);
      assert.equal((await api.delete(`/api/v3/providers/proxy/${created.pk}/`)).statusCode, 204);
      assert.equal((await api.get(`/api/v3/providers/proxy/${created.pk}/`)).statusCode, 404);
      assert.equal((await api.get(`/api/v3/providers/oauth2/${created.pk}/`)).statusCode, 404);
    });
  });
}
