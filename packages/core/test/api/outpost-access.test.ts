import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertToken, revealTokenKey } from '../../src/identity/tokens-repository.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp, testConfig } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { insertTestProvider } from '../support/outposts.ts';

type Page = { results: Array<{ pk: string; name: string }>; pagination: { count: number } };

/** What an outpost's token may call: everything else under /api/v3/ answers it 403. */
const OUTPOST_ALLOWED = new Set([
  'GET /api/v3/root/config/',
  'GET /api/v3/schema/',
  'GET /api/v3/core/users/me/',
  // Any signed-in account lists the applications it may use (the user launcher's list).
  'GET /api/v3/core/applications/',
  'GET /api/v3/outposts/instances/',
  'GET /api/v3/outposts/instances/:uuid/',
  'GET /api/v3/outposts/instances/:uuid/health/',
  'GET /api/v3/outposts/ldap/',
  'GET /api/v3/outposts/radius/',
  'POST /api/v3/events/events/',
  'GET /api/v3/outposts/proxy/',
  'GET /api/v3/crypto/certificatekeypairs/:kp_uuid/',
  'GET /api/v3/crypto/certificatekeypairs/:kp_uuid/view_certificate/',
  'GET /api/v3/crypto/certificatekeypairs/:kp_uuid/view_private_key/',
  // The outpost under test is an LDAP outpost: it reads the directory it serves, read-only.
  'GET /api/v3/core/users/',
  'GET /api/v3/core/users/:id/',
  'GET /api/v3/core/groups/',
  'GET /api/v3/core/groups/:group_uuid/',
  // Public: authenticated by the flow attempt, not by any token (it answers this bare call with a 400).
  'GET /api/v3/flows/executor/:flow_slug/',
  'POST /api/v3/flows/executor/:flow_slug/',
]);

for (const backend of testBackends()) {
  describe(`what an outpost's token may do, on ${backend.name}`, () => {
    let t: TestApp;
    let admin: ReturnType<typeof apiClient>;
    let own: { pk: string; name: string };
    let other: { pk: string };
    let outpostKey: string;
    let outpost: ReturnType<typeof apiClient>;
    before(async () => {
      t = await createTestApp(backend);
      admin = apiClient(t.app, t.adminHeaders);
      const ldap = await insertTestProvider(t.db, 'ldap', 'Directory');
      const create = async (name: string) =>
        (
          await admin.post('/api/v3/outposts/instances/', {
            name,
            type: 'ldap',
            providers: [ldap],
            config: {},
          })
        ).json() as { pk: string; name: string; token_identifier: string };
      const mine = await create('Mine');
      own = mine;
      other = await create('Theirs');
      outpostKey = (await revealTokenKey(t.db, t.ctx.box, mine.token_identifier)) as string;
      outpost = apiClient(t.app, { authorization: `Bearer ${outpostKey}` });
    });
    after(() => t.close());

    it('lists only its own outpost, and cannot read another one', async () => {
      const page = (await outpost.get('/api/v3/outposts/instances/')).json() as Page;
      assert.deepEqual(
        page.results.map((o) => o.name),
        ['Mine'],
      );
      assert.equal((await outpost.get(`/api/v3/outposts/instances/${own.pk}/`)).statusCode, 200);
      assert.equal((await outpost.get(`/api/v3/outposts/instances/${other.pk}/`)).statusCode, 404);
      assert.equal((await outpost.get(`/api/v3/outposts/instances/${other.pk}/health/`)).statusCode, 404);
      const all = (await admin.get('/api/v3/outposts/instances/')).json() as Page;
      assert.equal(all.pagination.count, 3, 'a superuser sees every outpost');
    });

    it('cannot write outposts, nor read the admin views', async () => {
      const attempts = [
        outpost.post('/api/v3/outposts/instances/', { name: 'X', type: 'ldap', providers: [], config: {} }),
        outpost.patch(`/api/v3/outposts/instances/${own.pk}/`, { name: 'Renamed' }),
        outpost.delete(`/api/v3/outposts/instances/${own.pk}/`),
        outpost.get('/api/v3/outposts/instances/default_settings/'),
        outpost.post('/api/v3/core/users/', { username: 'x' }),
        outpost.get('/api/v3/core/tokens/'),
      ];
      for (const res of await Promise.all(attempts)) assert.equal(res.statusCode, 403, res.body);
      const still = (await admin.get(`/api/v3/outposts/instances/${own.pk}/`)).json() as { name: string };
      assert.equal(still.name, 'Mine');
    });

    it('reads the LDAP and RADIUS provider lists in the contract shape (empty: its provider has no application)', async () => {
      for (const kind of ['ldap', 'radius']) {
        const res = await outpost.get(`/api/v3/outposts/${kind}/`);
        assert.equal(res.statusCode, 200);
        const body = res.json() as Page;
        assert.deepEqual(body.results, []);
        assert.equal(body.pagination.count, 0);
      }
    });

    it('posts an event, validated against EventRequest', async () => {
      const res = await outpost.post('/api/v3/events/events/', {
        action: 'login',
        app: 'authentik.providers.ldap',
        user: { pk: 1, username: 'akadmin' },
        context: { bind_dn: 'cn=akadmin,ou=users,dc=ldap,dc=goauthentik,dc=io' },
        client_ip: '192.0.2.10',
      });
      assert.equal(res.statusCode, 201, res.body);
      const event = res.json() as { pk: string; action: string; client_ip: string };
      assert.equal(event.action, 'login');
      const stored = await t.db.query<{ app: string; client_ip: string }>(
        'SELECT app, client_ip FROM events WHERE uuid = $1',
        [event.pk],
      );
      assert.deepEqual(stored, [{ app: 'authentik.providers.ldap', client_ip: '192.0.2.10' }]);
      for (const bad of [
        { action: 'login' },
        { action: 'nope', app: 'x' },
        { action: 'login', app: 'x', extra: 1 },
      ]) {
        assert.equal(
          (await outpost.post('/api/v3/events/events/', bad)).statusCode,
          400,
          JSON.stringify(bad),
        );
      }
    });

    it('reports live instances as OutpostHealth; instances silent for over 15 s are gone', async () => {
      assert.deepEqual((await outpost.get(`/api/v3/outposts/instances/${own.pk}/health/`)).json(), []);
      await t.db.query(
        `INSERT INTO outpost_instances (outpost_uuid, uid, last_seen, version, build_hash, golang_version,
           openssl_enabled, openssl_version, hostname)
         VALUES ($1, 'fresh', now(), $2, '', 'go1.24', true, 'OpenSSL 3', 'ldap-7d9f'),
                ($1, 'old-version', now() - interval '5 seconds', '2024.12.1', '', '', false, '', 'ldap-1'),
                ($1, 'dev-build', now(), '2024.12.1', 'abc123', '', false, '', 'ldap-2'),
                ($1, 'stale', now() - interval '16 seconds', $2, '', '', false, '', 'ldap-0')`,
        [own.pk, t.ctx.version],
      );
      const res = await admin.get(`/api/v3/outposts/instances/${own.pk}/health/`);
      const health = res.json() as Array<Record<string, unknown>>;
      assert.deepEqual(health.map((h) => h.uid).sort(), ['dev-build', 'fresh', 'old-version']);
      const fresh = health.find((h) => h.uid === 'fresh');
      assert.deepEqual(
        { ...fresh, last_seen: undefined },
        {
          uid: 'fresh',
          last_seen: undefined,
          version: t.ctx.version,
          version_should: t.ctx.version,
          version_outdated: false,
          build_hash: '',
          build_hash_should: '',
          golang_version: 'go1.24',
          openssl_enabled: true,
          openssl_version: 'OpenSSL 3',
          fips_enabled: null,
          hostname: 'ldap-7d9f',
        },
      );
      assert.equal(health.find((h) => h.uid === 'old-version')?.version_outdated, true);
      assert.equal(health.find((h) => h.uid === 'dev-build')?.version_outdated, false, 'another build');
    });

    it('answers 403 to an outpost token on every other /api/v3/ route (walking all registered routes)', async () => {
      const routes = t.app.registeredRoutes;
      assert.ok(routes.length > 40, 'the route list is collected');
      for (const route of routes.filter((r) => !r.url.startsWith('/api/'))) {
        assert.ok(!route.url.includes('/api/'), route.url);
      }
      const walked = new Set<string>();
      for (const route of routes.filter((r) => r.url.startsWith('/api/v3/'))) {
        const key = `${route.method} ${route.url}`;
        walked.add(key);
        const url = route.url
          .replace(':uuid', own.pk)
          .replace(/:(\w+)/g, (_, name: string) =>
            name.includes('uuid') ? '00000000-0000-4000-8000-000000000000' : '1',
          );
        const res = await t.app.inject({
          method: route.method as 'GET',
          url,
          headers: { authorization: `Bearer ${outpostKey}`, 'content-type': 'application/json' },
          payload: ['GET', 'DELETE', 'OPTIONS'].includes(route.method) ? undefined : '{}',
        });
        if (OUTPOST_ALLOWED.has(key)) assert.notEqual(res.statusCode, 403, `${key}: ${res.body}`);
        else assert.equal(res.statusCode, 403, `${key} must be refused to an outpost: ${res.body}`);
      }
      for (const allowed of OUTPOST_ALLOWED) assert.ok(walked.has(allowed), `${allowed} is registered`);
    });

    it('refuses the outpost-facing routes to a signed-in user who is neither superuser nor outpost', async () => {
      const user = await insertUser(t.db, { username: 'plain' });
      const key = 'plain-user-api-token-0123456789abcdef';
      await insertToken(t.db, t.ctx.box, {
        identifier: 'plain',
        intent: 'api',
        userId: user.id,
        key,
        expiring: false,
      });
      const plain = apiClient(t.app, { authorization: `Bearer ${key}` });
      for (const url of ['/api/v3/outposts/instances/', '/api/v3/outposts/ldap/']) {
        assert.equal((await plain.get(url)).statusCode, 403, url);
      }
      assert.equal(
        (await plain.post('/api/v3/events/events/', { action: 'login', app: 'x' })).statusCode,
        403,
      );
    });

    it('lets the secret key act as the embedded outpost, and nothing more', async () => {
      const secret = testConfig().secret_key as string;
      const embedded = apiClient(t.app, { authorization: `Bearer ${secret}` });
      const page = (await embedded.get('/api/v3/outposts/instances/')).json() as Page;
      assert.deepEqual(
        page.results.map((o) => o.name),
        ['authentik Embedded Outpost'],
      );
      assert.equal((await embedded.get('/api/v3/core/users/')).statusCode, 403);
      const near = apiClient(t.app, { authorization: `Bearer ${secret.slice(0, -1)}x` });
      assert.equal((await near.get('/api/v3/outposts/instances/')).statusCode, 403);
    });
  });
}
