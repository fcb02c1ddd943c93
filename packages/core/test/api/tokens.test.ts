import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface TokenBody {
  identifier: string;
  intent: string;
  user: number;
  expiring: boolean;
  expires: string | null;
}

for (const backend of testBackends()) {
  describe(`tokens API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let alice: number;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      alice = (
        (await api.post('/api/v3/core/users/', { username: 'alice', name: 'Alice' })).json() as { pk: number }
      ).pk;
    });
    after(() => t.close());

    const me = (key: string) =>
      t.app.inject({ url: '/api/v3/core/users/me/', headers: { authorization: `Bearer ${key}` } });
    const viewKey = async (identifier: string) =>
      ((await api.get(`/api/v3/core/tokens/${identifier}/view_key/`)).json() as { key: string }).key;

    it('creates a token with a generated key that authenticates its owner', async () => {
      const res = await api.post('/api/v3/core/tokens/', {
        identifier: 'alice-api',
        intent: 'api',
        user: alice,
        expiring: false,
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as TokenBody & { key?: string };
      assert.equal(body.key, undefined, 'the key is not in the token body');
      const key = await viewKey('alice-api');
      assert.ok(key.length >= 32);
      const who = await me(key);
      assert.equal(who.statusCode, 200);
      assert.equal((who.json() as { user: { username: string } }).user.username, 'alice');
      const dup = await api.post('/api/v3/core/tokens/', {
        identifier: 'alice-api',
        intent: 'api',
        user: alice,
      });
      assert.equal(dup.statusCode, 400);
    });

    it('replaces a key with set_key: the old one stops working', async () => {
      const old = await viewKey('alice-api');
      const fresh = 'a-brand-new-key-for-alice-0123456789';
      assert.equal(
        (await api.post('/api/v3/core/tokens/alice-api/set_key/', { key: fresh })).statusCode,
        204,
      );
      assert.equal((await me(old)).statusCode, 403);
      assert.equal((await me(fresh)).statusCode, 200);
      assert.equal(await viewKey('alice-api'), fresh);
      const short = await api.post('/api/v3/core/tokens/alice-api/set_key/', { key: 'short' });
      assert.equal(short.statusCode, 400);
      assert.equal(
        (await api.post('/api/v3/core/tokens/nope/set_key/', { key: fresh + fresh })).statusCode,
        404,
      );
    });

    it('stops accepting a token once it expires or is deleted', async () => {
      await api.post('/api/v3/core/tokens/', {
        identifier: 'short-lived',
        intent: 'api',
        user: alice,
        expiring: true,
      });
      const key = await viewKey('short-lived');
      assert.equal((await me(key)).statusCode, 200);
      const past = new Date(Date.now() - 60_000).toISOString();
      assert.equal((await api.patch('/api/v3/core/tokens/short-lived/', { expires: past })).statusCode, 200);
      assert.equal((await me(key)).statusCode, 403);
      assert.equal((await api.delete('/api/v3/core/tokens/short-lived/')).statusCode, 204);
      assert.equal((await me(key)).statusCode, 403);
      assert.equal((await api.get('/api/v3/core/tokens/short-lived/')).statusCode, 404);
    });

    it('gives an expiring token without expiry a default expiry, and a non-api intent no API access', async () => {
      const res = await api.post('/api/v3/core/tokens/', {
        identifier: 'app-pw',
        intent: 'app_password',
        user: alice,
      });
      const body = res.json() as TokenBody;
      assert.equal(body.expiring, true);
      assert.ok(body.expires && new Date(body.expires).getTime() > Date.now());
      assert.equal((await me(await viewKey('app-pw'))).statusCode, 403);
    });

    it('filters the list by intent and owner', async () => {
      const byIntent = (await api.get('/api/v3/core/tokens/?intent=app_password')).json() as {
        results: TokenBody[];
      };
      assert.deepEqual(
        byIntent.results.map((x) => x.identifier),
        ['app-pw'],
      );
      const byOwner = (
        await api.get('/api/v3/core/tokens/?user__username=alice&ordering=identifier')
      ).json() as {
        results: TokenBody[];
      };
      assert.deepEqual(
        byOwner.results.map((x) => x.identifier),
        ['alice-api', 'app-pw'],
      );
    });

    it('refuses a token for a user that does not exist', async () => {
      const res = await api.post('/api/v3/core/tokens/', {
        identifier: 'ghost',
        intent: 'api',
        user: 999999,
      });
      assert.equal(res.statusCode, 400);
      assert.ok((res.json() as Record<string, unknown>).user);
    });
  });
}
