import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordedFor } from '../../src/events/model-events.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface ListedEvent {
  action: string;
  client_ip: string | null;
  user: { pk?: number; username?: string };
  context: { model?: Record<string, unknown>; set_by?: string; http_request?: Record<string, unknown> };
}

describe('which API routes record model events', () => {
  it('reads creates, updates, deletes and the named actions off the route template', () => {
    assert.deepEqual(recordedFor('POST', '/api/v3/core/groups/'), {
      action: 'model_created',
      collection: 'core/groups',
    });
    assert.deepEqual(recordedFor('PATCH', '/api/v3/providers/proxy/:id/'), {
      action: 'model_updated',
      collection: 'providers/proxy',
      pkParam: 'id',
    });
    assert.equal(
      recordedFor('DELETE', '/api/v3/propertymappings/provider/radius/:pm_uuid/')?.action,
      'model_deleted',
    );
    assert.equal(recordedFor('POST', '/api/v3/core/users/:id/set_password/')?.action, 'password_set');
    assert.equal(recordedFor('GET', '/api/v3/core/tokens/:identifier/view_key/')?.action, 'secret_view');
    assert.equal(
      recordedFor('GET', '/api/v3/crypto/certificatekeypairs/:kp_uuid/view_private_key/')?.action,
      'secret_view',
    );
  });

  it('records nothing for reads, unnamed actions, the flow executor or the event log itself', () => {
    for (const [method, template] of [
      ['GET', '/api/v3/core/users/'],
      ['GET', '/api/v3/core/users/:id/'],
      ['POST', '/api/v3/core/groups/:group_uuid/add_user/'],
      ['POST', '/api/v3/flows/executor/:flow_slug/'],
      ['POST', '/api/v3/events/events/'],
      ['POST', '/api/v3/core/users/:id/set_password/extra/'],
    ] as const) {
      assert.equal(recordedFor(method, template), undefined, `${method} ${template}`);
    }
  });
});

for (const backend of testBackends()) {
  describe(`model events of admin changes on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
    });
    after(() => t.close());

    async function eventsOf(action: string): Promise<ListedEvent[]> {
      const res = await api.get(`/api/v3/events/events/?action=${action}&ordering=-created`);
      assert.equal(res.statusCode, 200);
      return (res.json() as { results: ListedEvent[] }).results;
    }

    it('records a group created, changed and deleted, naming it each time', async () => {
      const created = await api.post('/api/v3/core/groups/', { name: 'auditors' });
      assert.equal(created.statusCode, 201);
      const pk = (created.json() as { pk: string }).pk;
      assert.equal((await api.patch(`/api/v3/core/groups/${pk}/`, { name: 'auditors-2' })).statusCode, 200);
      assert.equal((await api.delete(`/api/v3/core/groups/${pk}/`)).statusCode, 204);
      const expected = { app: 'authentik_core', model_name: 'group', pk };
      const [c] = await eventsOf('model_created');
      assert.deepEqual(c?.context.model, { ...expected, name: 'auditors' });
      assert.equal(c?.user.username, 'akadmin');
      assert.deepEqual(c?.context.http_request, { method: 'POST', path: '/api/v3/core/groups/' });
      assert.deepEqual((await eventsOf('model_updated'))[0]?.context.model, {
        ...expected,
        name: 'auditors-2',
      });
      assert.deepEqual((await eventsOf('model_deleted'))[0]?.context.model, {
        ...expected,
        name: 'auditors-2',
      });
    });

    it('names a provider by its own model name', async () => {
      const flows = (await api.get('/api/v3/flows/instances/?page_size=100')).json() as {
        results: Array<{ pk: string; slug: string }>;
      };
      const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
      const res = await api.post('/api/v3/providers/proxy/', {
        name: 'Audited proxy',
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
        invalidation_flow: flow('default-provider-invalidation-flow'),
        external_host: 'https://audited.example.com',
        mode: 'forward_single',
      });
      assert.equal(res.statusCode, 201, res.body);
      const [event] = await eventsOf('model_created');
      assert.equal(event?.context.model?.app, 'authentik_providers_proxy');
      assert.equal(event?.context.model?.model_name, 'proxyprovider');
      assert.equal(event?.context.model?.name, 'Audited proxy');
    });

    it('records nothing for a refused change', async () => {
      const before = (await eventsOf('model_created')).length;
      assert.equal((await api.post('/api/v3/core/groups/', { name: '' })).statusCode, 400);
      assert.equal((await eventsOf('model_created')).length, before);
    });

    it('records password_set for the user whose password it is, never the password', async () => {
      const user = await api.post('/api/v3/core/users/', { username: 'dora', name: 'Dora' });
      assert.equal(user.statusCode, 201);
      const pk = (user.json() as { pk: number }).pk;
      const set = await api.post(`/api/v3/core/users/${pk}/set_password/`, { password: 'dora-new-secret-1' });
      assert.equal(set.statusCode, 204);
      const [event] = await eventsOf('password_set');
      assert.equal(event?.user.username, 'dora');
      assert.equal(event?.context.set_by, 'akadmin');
      assert.equal(event?.context.model?.name, 'dora');
      assert.doesNotMatch(JSON.stringify(event), /dora-new-secret-1/);
    });

    it('records secret_view for an outpost manifest with its token, and none for a masked one', async () => {
      const outposts = (await api.get('/api/v3/outposts/instances/')).json() as {
        results: Array<{ pk: string; name: string }>;
      };
      const outpost = outposts.results[0];
      assert.ok(outpost, 'the embedded outpost');
      const before = (await eventsOf('secret_view')).length;
      const masked = await t.app.inject({
        url: `/api/v3/outposts/instances/${outpost.pk}/manifest/?mask_token=true`,
        headers: t.adminHeaders,
      });
      assert.equal(masked.statusCode, 200, masked.body);
      assert.equal((await eventsOf('secret_view')).length, before);
      const shown = await t.app.inject({
        url: `/api/v3/outposts/instances/${outpost.pk}/manifest/`,
        headers: t.adminHeaders,
      });
      assert.equal(shown.statusCode, 200, shown.body);
      const [event] = await eventsOf('secret_view');
      assert.equal((await eventsOf('secret_view')).length, before + 1);
      assert.equal(event?.context.model?.model_name, 'outpost');
      assert.equal(event?.context.model?.name, outpost.name);
    });

    it('records secret_view when a token’s key is read, without the key', async () => {
      const token = await api.post('/api/v3/core/tokens/', { identifier: 'audit-token', intent: 'api' });
      assert.equal(token.statusCode, 201, token.body);
      const view = await api.get('/api/v3/core/tokens/audit-token/view_key/');
      assert.equal(view.statusCode, 200);
      const key = (view.json() as { key: string }).key;
      const [event] = await eventsOf('secret_view');
      assert.equal(event?.context.model?.model_name, 'token');
      assert.equal(event?.context.model?.name, 'audit-token');
      assert.ok(!JSON.stringify(await eventsOf('secret_view')).includes(key), 'the key is not in the log');
    });
  });
}
