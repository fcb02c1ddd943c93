import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../src/identity/passwords.ts';
import { findPasswordHash } from '../../src/identity/users-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface UserBody {
  pk: number;
  username: string;
  is_active: boolean;
  is_superuser: boolean;
  groups: string[];
  type: string;
  email: string;
  uid: string;
}
interface Page<T> {
  pagination: {
    count: number;
    total_pages: number;
    current: number;
    next: number;
    start_index: number;
    end_index: number;
  };
  results: T[];
}

for (const backend of testBackends()) {
  describe(`users API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let staff: string;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      const group = await api.post('/api/v3/core/groups/', { name: 'staff' });
      staff = (group.json() as { pk: string }).pk;
      for (const [username, extra] of [
        ['carol', { groups: [staff] }],
        ['alice', { email: 'alice@example.com' }],
        ['bob', { is_active: false }],
        ['robot', { type: 'service_account' }],
      ] as const) {
        const res = await api.post('/api/v3/core/users/', { username, name: `${username} name`, ...extra });
        assert.equal(res.statusCode, 201, res.body);
      }
    });
    after(() => t.close());

    const list = async (query: string) =>
      (await api.get(`/api/v3/core/users/?${query}`)).json() as Page<UserBody>;
    const names = (page: Page<UserBody>) => page.results.map((u) => u.username);

    it('filters, searches and orders the list', async () => {
      assert.deepEqual(names(await list('username=alice')), ['alice']);
      assert.deepEqual(names(await list('is_active=false')), ['bob']);
      assert.deepEqual(names(await list('type=service_account')), ['robot']);
      assert.deepEqual(names(await list('groups_by_name=staff')), ['carol']);
      assert.deepEqual(names(await list(`groups_by_pk=${staff}`)), ['carol']);
      assert.deepEqual(names(await list('email=alice@example.com')), ['alice']);
      assert.deepEqual(names(await list('search=ROB')), ['robot']);
      assert.deepEqual(names(await list('is_superuser=true')), ['akadmin']);
      assert.deepEqual(names(await list('ordering=-username&type=internal')), [
        'carol',
        'bob',
        'alice',
        'akadmin',
      ]);
    });

    it('pages with the contract envelope', async () => {
      // Without the embedded outpost's internal service account, which exists from the first start.
      const people = 'type=internal&type=external&type=service_account';
      const first = await list(`${people}&ordering=username&page_size=2`);
      assert.deepEqual(names(first), ['akadmin', 'alice']);
      assert.deepEqual(
        { ...first.pagination },
        { next: 2, previous: 0, count: 5, current: 1, total_pages: 3, start_index: 1, end_index: 2 },
      );
      const last = await list(`${people}&ordering=username&page_size=2&page=3`);
      assert.deepEqual(names(last), ['robot']);
      assert.equal(last.pagination.next, 0);
      assert.equal(last.pagination.start_index, 5);
    });

    it('retrieves, replaces, patches and deletes a user', async () => {
      const created = (
        await api.post('/api/v3/core/users/', { username: 'dave', name: 'Dave' })
      ).json() as UserBody;
      const url = `/api/v3/core/users/${created.pk}/`;
      assert.equal(((await api.get(url)).json() as UserBody).username, 'dave');
      const put = await api.put(url, { username: 'dave2', name: 'Dave Two', groups: [staff] });
      assert.equal(put.statusCode, 200);
      assert.deepEqual((put.json() as UserBody).groups, [staff]);
      const patched = await api.patch(url, { email: 'dave@example.com', groups: [] });
      assert.equal((patched.json() as UserBody).email, 'dave@example.com');
      assert.deepEqual((patched.json() as UserBody).groups, []);
      assert.equal((patched.json() as UserBody).username, 'dave2', 'PATCH keeps what it does not name');
      assert.equal((await api.delete(url)).statusCode, 204);
      assert.equal((await api.get(url)).statusCode, 404);
      assert.equal((await api.delete(url)).statusCode, 404);
    });

    it('derives is_superuser from membership of a superuser group', async () => {
      const user = (await api.post('/api/v3/core/users/', { username: 'erin', name: '' })).json() as UserBody;
      assert.equal(user.is_superuser, false);
      const admins = (await api.get('/api/v3/core/groups/?is_superuser=true')).json() as Page<{ pk: string }>;
      const adminGroup = admins.results[0]?.pk ?? '';
      const patched = await api.patch(`/api/v3/core/users/${user.pk}/`, { groups: [adminGroup] });
      assert.equal((patched.json() as UserBody).is_superuser, true);
    });

    it('sets a password, hashed with argon2id', async () => {
      const alice = (await list('username=alice')).results[0];
      assert.ok(alice);
      const res = await api.post(`/api/v3/core/users/${alice.pk}/set_password/`, {
        password: 'new-password-1',
      });
      assert.equal(res.statusCode, 204);
      const hash = await findPasswordHash(t.db, alice.pk);
      assert.match(String(hash), /^\$argon2id\$/);
      assert.equal((await verifyPassword(hash ?? null, 'new-password-1')).ok, true);
      assert.equal(
        (await api.post('/api/v3/core/users/999999/set_password/', { password: 'x' })).statusCode,
        404,
      );
    });

    it('creates a service account with an app-password token and, on request, a group', async () => {
      const res = await api.post('/api/v3/core/users/service_account/', {
        name: 'ci-bot',
        create_group: true,
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as {
        username: string;
        token: string;
        user_pk: number;
        group_pk?: string;
        user_uid: string;
      };
      assert.equal(body.username, 'ci-bot');
      assert.ok(body.token.length >= 32);
      assert.ok(body.group_pk);
      const tokens = (await api.get('/api/v3/core/tokens/?user__username=ci-bot')).json() as Page<{
        intent: string;
      }>;
      assert.deepEqual(
        tokens.results.map((x) => x.intent),
        ['app_password'],
      );
      const user = (await api.get(`/api/v3/core/users/${body.user_pk}/`)).json() as UserBody;
      assert.equal(user.type, 'service_account');
      assert.equal(user.uid, body.user_uid);
      const again = await api.post('/api/v3/core/users/service_account/', { name: 'ci-bot' });
      assert.equal(again.statusCode, 400);
    });

    it('rejects duplicate usernames and unknown groups with field errors', async () => {
      const dup = await api.post('/api/v3/core/users/', { username: 'alice', name: 'x' });
      assert.equal(dup.statusCode, 400);
      assert.ok(Array.isArray((dup.json() as Record<string, unknown>).username));
      const missing = await api.post('/api/v3/core/users/', {
        username: 'frank',
        name: 'x',
        groups: ['00000000-0000-4000-8000-000000000000'],
      });
      assert.equal(missing.statusCode, 400);
      assert.ok(Array.isArray((missing.json() as Record<string, unknown>).groups));
      assert.deepEqual(names(await list('username=frank')), [], 'nothing was half-created');
    });

    it('answers me/ with the caller', async () => {
      const res = await api.get('/api/v3/core/users/me/');
      assert.equal(res.statusCode, 200);
      const me = (res.json() as { user: { username: string; is_superuser: boolean } }).user;
      assert.equal(me.username, 'akadmin');
      assert.equal(me.is_superuser, true);
    });
  });
}
