import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface FlowBody {
  pk: string;
  slug: string;
  designation: string;
  authentication: string;
  stages: string[];
}
interface StageBody {
  pk: string;
  name: string;
  component: string;
  flow_set: Array<{ slug: string }>;
  [field: string]: unknown;
}
interface BindingBody {
  pk: string;
  target: string;
  stage: string;
  order: number;
  stage_obj: StageBody;
}

for (const backend of testBackends()) {
  describe(`flows, stages and bindings API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
    });
    after(() => t.close());

    it('seeds the reference default flows, the sign-in flow with its stages in order', async () => {
      const list = (await api.get('/api/v3/flows/instances/?page_size=100')).json() as {
        results: FlowBody[];
      };
      const slugs = list.results.map((f) => f.slug);
      for (const slug of [
        'default-authentication-flow',
        'default-provider-authorization-implicit-consent',
        'default-provider-authorization-explicit-consent',
        'default-invalidation-flow',
        'default-provider-invalidation-flow',
        'initial-setup',
      ])
        assert.ok(slugs.includes(slug), `${slug} is seeded`);
      const flow = (await api.get('/api/v3/flows/instances/default-authentication-flow/')).json() as FlowBody;
      const bindings = (await api.get(`/api/v3/flows/bindings/?target=${flow.pk}&ordering=order`)).json() as {
        results: BindingBody[];
      };
      assert.deepEqual(
        bindings.results.map((b) => [b.order, b.stage_obj.name, b.stage_obj.component]),
        [
          [10, 'default-authentication-identification', 'ak-stage-identification-form'],
          [20, 'default-authentication-password', 'ak-stage-password-form'],
          [30, 'default-authentication-mfa-validation', 'ak-stage-authenticator-validate-form'],
          [100, 'default-authentication-login', 'ak-stage-user-login-form'],
        ],
      );
      const identification = (
        await api.get(`/api/v3/stages/identification/${bindings.results[0]?.stage}/`)
      ).json() as StageBody;
      assert.equal(identification.password_stage, bindings.results[1]?.stage, 'the password is asked inline');
    });

    it('creates, changes and deletes a flow, a stage of each kind and their bindings', async () => {
      const created = await api.post('/api/v3/flows/instances/', {
        slug: 'ldap-bind',
        name: 'LDAP bind',
        title: 'Bind',
        designation: 'authentication',
        authentication: 'require_outpost',
      });
      assert.equal(created.statusCode, 201, created.body);
      const flow = created.json() as FlowBody;
      assert.equal(flow.authentication, 'require_outpost');

      const stages: Record<string, StageBody> = {};
      for (const [kind, body] of [
        ['identification', { name: 'id', user_fields: ['username'] }],
        ['password', { name: 'pw', backends: ['authentik.core.auth.InbuiltBackend'] }],
        ['user_login', { name: 'login', remember_me_offset: 'days=1' }],
        ['user_logout', { name: 'logout' }],
        ['consent', { name: 'consent', mode: 'permanent' }],
        ['deny', { name: 'deny', deny_message: 'No.' }],
      ] as const) {
        const res = await api.post(`/api/v3/stages/${kind}/`, body);
        assert.equal(res.statusCode, 201, `${kind}: ${res.body}`);
        stages[kind] = res.json() as StageBody;
        const read = await api.get(`/api/v3/stages/${kind}/${stages[kind].pk}/`);
        assert.equal(read.statusCode, 200);
      }
      assert.deepEqual(stages.identification?.user_fields, ['username']);
      assert.equal(stages.identification?.pretend_user_exists, true, 'defaults fill the rest');

      for (const [order, kind] of [
        [10, 'identification'],
        [20, 'password'],
        [30, 'user_login'],
      ] as const) {
        const res = await api.post('/api/v3/flows/bindings/', {
          target: flow.pk,
          stage: stages[kind]?.pk,
          order,
        });
        assert.equal(res.statusCode, 201, res.body);
      }
      const reread = (await api.get('/api/v3/flows/instances/ldap-bind/')).json() as FlowBody;
      assert.equal(reread.stages.length, 3);
      const all = (await api.get('/api/v3/stages/all/?page_size=100')).json() as { results: StageBody[] };
      assert.deepEqual(
        all.results.find((s) => s.name === 'pw')?.flow_set.map((f) => f.slug),
        ['ldap-bind'],
      );

      const patched = await api.patch(`/api/v3/stages/identification/${stages.identification?.pk}/`, {
        password_stage: stages.password?.pk,
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.deepEqual((patched.json() as StageBody).user_fields, ['username'], 'PATCH keeps other fields');

      const renamed = await api.patch('/api/v3/flows/instances/ldap-bind/', { title: 'LDAP' });
      assert.equal(renamed.statusCode, 200);
      assert.equal((await api.delete('/api/v3/flows/instances/ldap-bind/')).statusCode, 204);
      const orphan = await api.get(`/api/v3/stages/all/${stages.password?.pk}/`);
      assert.deepEqual((orphan.json() as StageBody).flow_set, [], 'bindings go with their flow');
      assert.equal((await api.delete(`/api/v3/stages/all/${stages.deny?.pk}/`)).statusCode, 204);
      assert.equal((await api.get(`/api/v3/stages/deny/${stages.deny?.pk}/`)).statusCode, 404);
    });

    it('answers bad input with 400s naming the field, never a 500', async () => {
      const taken = await api.post('/api/v3/flows/instances/', {
        slug: 'default-authentication-flow',
        name: 'x',
        title: 'x',
        designation: 'authentication',
      });
      assert.equal(taken.statusCode, 400);
      assert.ok((taken.json() as Record<string, unknown>).slug);
      const badEnum = await api.post('/api/v3/flows/instances/', {
        slug: 'x',
        name: 'x',
        title: 'x',
        designation: 'authentication',
        authentication: 'require_everything',
      });
      assert.equal(badEnum.statusCode, 400);
      const badRef = await api.post('/api/v3/stages/identification/', {
        name: 'dangling',
        password_stage: '00000000-0000-4000-8000-000000000000',
      });
      assert.equal(badRef.statusCode, 400);
      assert.ok((badRef.json() as Record<string, unknown>).password_stage);
      const badDuration = await api.post('/api/v3/stages/user_login/', {
        name: 'bad',
        session_duration: 'forever',
      });
      assert.equal(badDuration.statusCode, 400);
      assert.ok((badDuration.json() as Record<string, unknown>).session_duration);
      const unknownField = await api.post('/api/v3/stages/deny/', { name: 'x', deny: true });
      assert.equal(unknownField.statusCode, 400);
      const sameName = await api.post('/api/v3/stages/deny/', { name: 'default-invalidation-logout' });
      assert.equal(sameName.statusCode, 400);
      const missingStage = await api.post('/api/v3/flows/bindings/', {
        target: '00000000-0000-4000-8000-000000000000',
        stage: '00000000-0000-4000-8000-000000000000',
        order: 1,
      });
      assert.equal(missingStage.statusCode, 400);
      assert.deepEqual(Object.keys(missingStage.json() as object).sort(), ['code', 'stage', 'target']);
      const inUse = await api.delete('/api/v3/flows/instances/default-provider-invalidation-flow/');
      // No provider uses it in a fresh install: it may go. One a provider uses may not (below).
      assert.equal(inUse.statusCode, 204);
    });

    it('keeps a flow a provider uses', async () => {
      const flow = (await api.get('/api/v3/flows/instances/default-invalidation-flow/')).json() as FlowBody;
      const auth = (
        await api.get('/api/v3/flows/instances/default-provider-authorization-implicit-consent/')
      ).json() as FlowBody;
      const provider = await api.post('/api/v3/providers/oauth2/', {
        name: 'uses-flows',
        authorization_flow: auth.pk,
        invalidation_flow: flow.pk,
        redirect_uris: [{ matching_mode: 'strict', url: 'https://app.test/cb' }],
      });
      assert.equal(provider.statusCode, 201, provider.body);
      const refused = await api.delete('/api/v3/flows/instances/default-invalidation-flow/');
      assert.equal(refused.statusCode, 400);
    });
  });
}
