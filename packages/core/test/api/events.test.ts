import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface EventBody {
  pk: string;
  action: string;
  app: string;
  client_ip: string | null;
  user: Record<string, unknown>;
  context: Record<string, unknown>;
  created: string;
}
type Page = { results: EventBody[]; pagination: { count: number; total_pages: number } };

for (const backend of testBackends()) {
  describe(`event log API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    const posted: EventBody[] = [];
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      const events = [
        { action: 'login', app: 'ldap', client_ip: '10.0.0.1', user: { pk: 1, username: 'alice' } },
        { action: 'login_failed', app: 'ldap', client_ip: '10.0.0.2', user: { username: 'bob' } },
        { action: 'configuration_error', app: 'radius', context: { message: 'bad shared secret' } },
      ];
      for (const event of events) {
        const res = await api.post('/api/v3/events/events/', event);
        assert.equal(res.statusCode, 201, res.body);
        posted.push(res.json() as EventBody);
      }
    });
    after(() => t.close());

    const list = async (query: string) => (await api.get(`/api/v3/events/events/?${query}`)).json() as Page;
    const actions = async (query: string) => (await list(query)).results.map((e) => e.action);

    it('lists the events newest first, with the envelope of every list', async () => {
      const page = await list('');
      assert.deepEqual(
        page.results.map((e) => e.pk),
        [...posted].reverse().map((e) => e.pk),
      );
      assert.equal(page.pagination.count, 3);
    });

    it('searches, filters, orders and pages', async () => {
      assert.deepEqual(await actions('search=bad%20shared'), ['configuration_error']);
      assert.deepEqual(await actions('search=BOB'), ['login_failed']);
      assert.deepEqual(await actions('username=alice'), ['login']);
      assert.deepEqual(await actions('action=login'), ['login']);
      assert.deepEqual(await actions('actions=login&actions=login_failed&ordering=action'), [
        'login',
        'login_failed',
      ]);
      assert.deepEqual(await actions('client_ip=10.0.0.2'), ['login_failed']);
      assert.deepEqual(await actions('ordering=created'), ['login', 'login_failed', 'configuration_error']);
      const second = await list('page=2&page_size=2');
      assert.deepEqual(
        second.results.map((e) => e.action),
        ['login'],
      );
      assert.equal(second.pagination.total_pages, 2);
    });

    it('reads one event, and answers 404 and 400 for unknown and malformed ids', async () => {
      const first = posted[0];
      assert.ok(first);
      const one = await api.get(`/api/v3/events/events/${first.pk}/`);
      assert.equal(one.statusCode, 200);
      assert.equal((one.json() as EventBody).client_ip, '10.0.0.1');
      const missing = await api.get('/api/v3/events/events/00000000-0000-4000-8000-000000000000/');
      assert.equal(missing.statusCode, 404);
      assert.equal((await api.get('/api/v3/events/events/nope/')).statusCode, 400);
      assert.equal((await api.get('/api/v3/events/events/?actions=not_an_action')).statusCode, 400);
    });
  });
}
