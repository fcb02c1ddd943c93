import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface AppBody {
  pk: string;
  slug: string;
  name: string;
  launch_url: string | null;
  policy_engine_mode: string;
}
interface Access {
  passing: boolean;
  messages: string[];
}

for (const backend of testBackends()) {
  describe(`applications and access on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    const users: Record<string, number> = {};
    const groups: Record<string, string> = {};
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      const parent = (await api.post('/api/v3/core/groups/', { name: 'engineering' })).json() as {
        pk: string;
      };
      const child = (
        await api.post('/api/v3/core/groups/', { name: 'platform', parents: [parent.pk] })
      ).json() as {
        pk: string;
      };
      groups.engineering = parent.pk;
      groups.platform = child.pk;
      for (const [username, memberOf] of [
        ['erin', [child.pk]],
        ['sam', []],
      ] as const) {
        const res = await api.post('/api/v3/core/users/', {
          username,
          name: username,
          groups: [...memberOf],
        });
        users[username] = (res.json() as { pk: number }).pk;
      }
    });
    after(() => t.close());

    const createApp = async (slug: string, extra: Record<string, unknown> = {}) => {
      const res = await api.post('/api/v3/core/applications/', { name: `App ${slug}`, slug, ...extra });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as AppBody;
    };
    const access = async (slug: string, user: string) =>
      (
        await api.get(`/api/v3/core/applications/${slug}/check_access/?for_user=${users[user]}`)
      ).json() as Access;
    const bind = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v3/policies/bindings/', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { pk: string };
    };

    it('creates, reads, updates and deletes applications by slug', async () => {
      const created = await createApp('wiki', { meta_launch_url: 'https://wiki.example.com/' });
      assert.equal(created.launch_url, 'https://wiki.example.com/');
      assert.equal(created.policy_engine_mode, 'any');
      assert.equal(((await api.get('/api/v3/core/applications/wiki/')).json() as AppBody).pk, created.pk);
      const patched = await api.patch('/api/v3/core/applications/wiki/', {
        name: 'Team wiki',
        policy_engine_mode: 'all',
      });
      assert.equal((patched.json() as AppBody).name, 'Team wiki');
      const dup = await api.post('/api/v3/core/applications/', { name: 'x', slug: 'wiki' });
      assert.equal(dup.statusCode, 400);
      assert.ok((dup.json() as Record<string, unknown>).slug);
      const badSlug = await api.post('/api/v3/core/applications/', { name: 'x', slug: 'no spaces' });
      assert.equal(badSlug.statusCode, 400);
      const provider = await api.post('/api/v3/core/applications/', { name: 'x', slug: 'px', provider: 7 });
      assert.equal(provider.statusCode, 400);
      assert.equal((await api.delete('/api/v3/core/applications/wiki/')).statusCode, 204);
      assert.equal((await api.get('/api/v3/core/applications/wiki/')).statusCode, 404);
    });

    it('lets everyone in when an application has no bindings', async () => {
      await createApp('open');
      assert.deepEqual(await access('open', 'sam'), { passing: true, messages: [], log_messages: [] });
    });

    it('admits members of a bound group and of its child groups, and bound users', async () => {
      const created = await createApp('grafana');
      await bind({ target: created.pk, group: groups.engineering, order: 0 });
      assert.equal((await access('grafana', 'erin')).passing, true, 'platform is a child of engineering');
      const denied = await access('grafana', 'sam');
      assert.equal(denied.passing, false);
      assert.equal(denied.messages.length, 1);
      await bind({ target: created.pk, user: users.sam, order: 1 });
      assert.equal((await access('grafana', 'sam')).passing, true, 'mode any: one binding is enough');
    });

    it('needs every binding in mode all, and honours negate and enabled', async () => {
      const created = await createApp('billing', { policy_engine_mode: 'all' });
      await bind({ target: created.pk, group: groups.platform, order: 0 });
      const notSam = await bind({ target: created.pk, user: users.sam, negate: true, order: 1 });
      assert.equal((await access('billing', 'erin')).passing, true);
      assert.equal((await access('billing', 'sam')).passing, false);
      await bind({ target: created.pk, user: users.erin, negate: true, order: 2, enabled: false });
      assert.equal((await access('billing', 'erin')).passing, true, 'a disabled binding does not count');
      const patched = await api.patch(`/api/v3/policies/bindings/${notSam.pk}/`, { negate: false });
      assert.equal(patched.statusCode, 200);
      assert.equal((await access('billing', 'erin')).passing, false, 'now only sam passes the user binding');
    });

    it("lists a user's applications, or all of them for superuser_full_list", async () => {
      const forSam = (await api.get(`/api/v3/core/applications/?for_user=${users.sam}`)).json() as {
        results: AppBody[];
      };
      assert.deepEqual(forSam.results.map((a) => a.slug).sort(), ['grafana', 'open']);
      const all = (await api.get('/api/v3/core/applications/?superuser_full_list=true')).json() as {
        pagination: { count: number };
      };
      assert.equal(all.pagination.count, 3);
    });

    it('validates bindings: one subject that exists, on a target that exists', async () => {
      const target = ((await api.get('/api/v3/core/applications/open/')).json() as AppBody).pk;
      for (const [body, field] of [
        [{ target, order: 5 }, 'non_field_errors'],
        [{ target, order: 5, user: users.sam, group: groups.platform }, 'non_field_errors'],
        [{ target, order: 5, user: 999999 }, 'user'],
        [{ target, order: 5, group: '00000000-0000-4000-8000-000000000000' }, 'group'],
        [{ target: '00000000-0000-4000-8000-000000000000', order: 5, user: users.sam }, 'target'],
        [{ target, order: 5, policy: '00000000-0000-4000-8000-000000000000' }, 'policy'],
      ] as const) {
        const res = await api.post('/api/v3/policies/bindings/', body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.ok((res.json() as Record<string, unknown>)[field], `${JSON.stringify(body)}: ${res.body}`);
      }
      const listed = (await api.get(`/api/v3/policies/bindings/?target=${target}`)).json() as {
        results: unknown[];
      };
      assert.equal(listed.results.length, 0, 'nothing was stored');
    });

    it('drops the bindings of a deleted application', async () => {
      const created = await createApp('temp');
      const binding = await bind({ target: created.pk, user: users.sam, order: 0 });
      await api.delete('/api/v3/core/applications/temp/');
      assert.equal((await api.get(`/api/v3/policies/bindings/${binding.pk}/`)).statusCode, 404);
    });
  });
}
