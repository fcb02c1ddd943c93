import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STAGE_KINDS } from '../../src/flows/engine/stages/index.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface UsedBy {
  app: string;
  model_name: string;
  pk: string;
  name: string;
  action: string;
}

for (const backend of testBackends()) {
  describe(`stage types and what refers to stages and bindings on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
    });
    after(() => t.close());

    const pkOf = async (path: string) =>
      ((await api.get(path)).json() as { results: Array<{ pk: string }> }).results[0]?.pk ?? '';

    it('lists every creatable stage kind at /stages/all/types/, as the contract shapes TypeCreate', async () => {
      const res = await api.get('/api/v3/stages/all/types/');
      assert.equal(res.statusCode, 200);
      const types = res.json() as Array<Record<string, unknown>>;
      assert.deepEqual(
        types.map((t) => t.component),
        STAGE_KINDS.map((k) => k.component),
      );
      const validate = types.find((t) => t.component === 'ak-stage-authenticator-validate-form');
      assert.equal(validate?.model_name, 'authenticatorvalidatestage');
      assert.equal(validate?.name, 'Authenticator Validation Stage');
      assert.ok(types.every((t) => typeof t.description === 'string' && t.description.length > 0));
    });

    it("lists a stage's bindings (deleted with it) and the stages naming it (left as they are)", async () => {
      const password = await pkOf('/api/v3/stages/password/?name=default-authentication-password');
      const res = await api.get(`/api/v3/stages/password/${password}/used_by/`);
      assert.equal(res.statusCode, 200);
      const used = res.json() as UsedBy[];
      const binding = used.find((u) => u.model_name === 'flowstagebinding');
      assert.deepEqual(
        { name: binding?.name, action: binding?.action, app: binding?.app },
        { name: 'default-authentication-flow #20', action: 'cascade', app: 'authentik_flows' },
      );
      const identification = used.find((u) => u.model_name === 'stage');
      assert.equal(identification?.name, 'default-authentication-identification');
      assert.equal(identification?.action, 'left_dangling');
      assert.equal(used.length, 2);
      // A stage of another kind is not found under this kind's path.
      assert.equal((await api.get(`/api/v3/stages/deny/${password}/used_by/`)).statusCode, 404);
    });

    it('lists the validation stage as using a setup stage named among its configuration stages', async () => {
      const totp = await pkOf('/api/v3/stages/authenticator/totp/?name=default-authenticator-totp-setup');
      const validate = await pkOf(
        '/api/v3/stages/authenticator/validate/?name=default-authentication-mfa-validation',
      );
      const patched = await api.patch(`/api/v3/stages/authenticator/validate/${validate}/`, {
        configuration_stages: [totp],
      });
      assert.equal(patched.statusCode, 200);
      const used = (await api.get(`/api/v3/stages/authenticator/totp/${totp}/used_by/`)).json() as UsedBy[];
      assert.ok(used.some((u) => u.pk === validate && u.action === 'left_dangling'));
    });

    it('lists the policy bindings on a stage binding, and deletes them with it', async () => {
      const flow = await pkOf('/api/v3/flows/instances/?slug=default-authentication-flow');
      const deny = (await api.post('/api/v3/stages/deny/', { name: 'used-by-deny' })).json() as {
        pk: string;
      };
      const binding = (
        await api.post('/api/v3/flows/bindings/', { target: flow, stage: deny.pk, order: 500 })
      ).json() as { pk: string };
      assert.deepEqual((await api.get(`/api/v3/flows/bindings/${binding.pk}/used_by/`)).json(), []);
      const group = (await api.post('/api/v3/core/groups/', { name: 'used-by-group' })).json() as {
        pk: string;
      };
      const policy = await api.post('/api/v3/policies/bindings/', {
        target: binding.pk,
        group: group.pk,
        order: 0,
      });
      assert.equal(policy.statusCode, 201, policy.body);
      const used = (await api.get(`/api/v3/flows/bindings/${binding.pk}/used_by/`)).json() as UsedBy[];
      assert.deepEqual(
        used.map((u) => [u.model_name, u.pk, u.action]),
        [['policybinding', (policy.json() as { pk: string }).pk, 'cascade']],
      );
      assert.equal((await api.delete(`/api/v3/flows/bindings/${binding.pk}/`)).statusCode, 204);
      const left = (await api.get(`/api/v3/policies/bindings/?target=${binding.pk}`)).json() as {
        results: unknown[];
      };
      assert.deepEqual(left.results, [], 'the policy bindings on it went with it');
      assert.equal((await api.get(`/api/v3/flows/bindings/${binding.pk}/used_by/`)).statusCode, 404);
    });
  });
}
