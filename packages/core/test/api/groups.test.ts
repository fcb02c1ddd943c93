import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface GroupBody {
  pk: string;
  name: string;
  parents: string[];
  children: string[];
  users: number[];
  users_obj: Array<{ username: string }> | null;
}

for (const backend of testBackends()) {
  describe(`groups API on ${backend.name}`, () => {
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

    const create = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/core/groups/', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as GroupBody;
    };

    it('creates groups with parents and shows both directions', async () => {
      const parent = await create({ name: 'engineering' });
      const child = await create({ name: 'platform', parents: [parent.pk], attributes: { team: 'core' } });
      assert.deepEqual(child.parents, [parent.pk]);
      const reread = (await api.get(`/api/v3/core/groups/${parent.pk}/`)).json() as GroupBody;
      assert.deepEqual(reread.children, [child.pk]);
      const byAttributes = (
        await api.get(`/api/v3/core/groups/?attributes=${encodeURIComponent('{"team":"core"}')}`)
      ).json() as {
        results: GroupBody[];
      };
      assert.deepEqual(
        byAttributes.results.map((g) => g.name),
        ['platform'],
      );
    });

    it('refuses a parent that would make a cycle, or that does not exist', async () => {
      const a = await create({ name: 'cycle-a' });
      const b = await create({ name: 'cycle-b', parents: [a.pk] });
      const cycle = await api.patch(`/api/v3/core/groups/${a.pk}/`, { parents: [b.pk] });
      assert.equal(cycle.statusCode, 400);
      assert.ok((cycle.json() as Record<string, unknown>).parents);
      const self = await api.patch(`/api/v3/core/groups/${a.pk}/`, { parents: [a.pk] });
      assert.equal(self.statusCode, 400);
      const missing = await api.post('/api/v3/core/groups/', {
        name: 'orphan',
        parents: ['00000000-0000-4000-8000-000000000000'],
      });
      assert.equal(missing.statusCode, 400);
    });

    it('adds and removes members, filtering by member', async () => {
      const group = await create({ name: 'members' });
      const url = `/api/v3/core/groups/${group.pk}`;
      assert.equal((await api.post(`${url}/add_user/`, { pk: alice })).statusCode, 204);
      assert.equal((await api.post(`${url}/add_user/`, { pk: alice })).statusCode, 204, 'idempotent');
      const withAlice = (await api.get('/api/v3/core/groups/?members_by_username=alice')).json() as {
        results: GroupBody[];
      };
      assert.deepEqual(
        withAlice.results.map((g) => g.name),
        ['members'],
      );
      const shown = (await api.get(`${url}/`)).json() as GroupBody;
      assert.deepEqual(shown.users, [alice]);
      assert.deepEqual(
        shown.users_obj?.map((u) => u.username),
        ['alice'],
      );
      assert.equal((await api.post(`${url}/add_user/`, { pk: 999999 })).statusCode, 404);
      assert.equal(
        (await api.post('/api/v3/core/groups/00000000-0000-4000-8000-000000000000/add_user/', { pk: alice }))
          .statusCode,
        404,
      );
      assert.equal((await api.post(`${url}/remove_user/`, { pk: alice })).statusCode, 204);
      assert.deepEqual(((await api.get(`${url}/`)).json() as GroupBody).users, []);
    });

    it('renames, rejects duplicate names, and deletes', async () => {
      const group = await create({ name: 'temporary' });
      const url = `/api/v3/core/groups/${group.pk}/`;
      assert.equal(((await api.put(url, { name: 'renamed' })).json() as GroupBody).name, 'renamed');
      const dup = await api.patch(url, { name: 'engineering' });
      assert.equal(dup.statusCode, 400);
      assert.ok((dup.json() as Record<string, unknown>).name);
      assert.equal((await api.delete(url)).statusCode, 204);
      assert.equal((await api.get(url)).statusCode, 404);
    });
  });
}
