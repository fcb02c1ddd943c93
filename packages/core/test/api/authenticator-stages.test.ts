import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface StageBody {
  pk: string;
  name: string;
  component: string;
  configure_flow?: string | null;
  flow_set: Array<{ slug: string }>;
  [field: string]: unknown;
}

for (const backend of testBackends()) {
  describe(`authenticator stages API on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
    });
    after(() => t.close());

    it('seeds the validation stage and one setup flow per kind of authenticator', async () => {
      const validate = (await api.get('/api/v3/stages/authenticator/validate/')).json() as {
        results: StageBody[];
      };
      const mfa = validate.results.find((s) => s.name === 'default-authentication-mfa-validation');
      assert.equal(mfa?.not_configured_action, 'skip');
      assert.deepEqual(mfa?.device_classes, ['static', 'totp', 'webauthn']);
      assert.deepEqual(
        mfa?.flow_set.map((f) => f.slug),
        ['default-authentication-flow'],
      );
      for (const kind of ['totp', 'static', 'webauthn']) {
        const list = (await api.get(`/api/v3/stages/authenticator/${kind}/`)).json() as {
          results: StageBody[];
        };
        const setup = list.results.find((s) => s.name === `default-authenticator-${kind}-setup`);
        assert.ok(setup, kind);
        assert.equal(setup.component, `ak-stage-authenticator-${kind}-form`);
        const flow = (
          await api.get(`/api/v3/flows/instances/default-authenticator-${kind}-setup/`)
        ).json() as {
          pk: string;
          designation: string;
          authentication: string;
        };
        assert.equal(setup.configure_flow, flow.pk, 'the stage names its setup flow');
        assert.equal(flow.designation, 'stage_configuration');
        assert.equal(flow.authentication, 'require_authenticated');
      }
    });

    it('creates and changes stages of each kind, defaults filling the rest', async () => {
      for (const [kind, body] of [
        ['validate', { name: 'mfa-strict', not_configured_action: 'deny', device_classes: ['totp'] }],
        ['totp', { name: 'totp-8', digits: '8' }],
        ['static', { name: 'codes-10', token_count: 10, token_length: 16 }],
        ['webauthn', { name: 'keys', user_verification: 'required', resident_key_requirement: 'required' }],
      ] as const) {
        const res = await api.post(`/api/v3/stages/authenticator/${kind}/`, body);
        assert.equal(res.statusCode, 201, `${kind}: ${res.body}`);
        const stage = res.json() as StageBody;
        const patched = await api.patch(`/api/v3/stages/authenticator/${kind}/${stage.pk}/`, {
          name: `${body.name}-2`,
        });
        assert.equal(patched.statusCode, 200, patched.body);
        for (const [field, value] of Object.entries(body))
          if (field !== 'name')
            assert.deepEqual((patched.json() as StageBody)[field], value, `${kind}.${field}`);
      }
    });

    it('refuses what Palisade cannot check with a 400, never storing it', async () => {
      for (const [kind, body, field] of [
        ['validate', { name: 'x1', device_classes: ['duo'] }, 'device_classes'],
        ['validate', { name: 'x2', device_classes: [] }, 'device_classes'],
        ['validate', { name: 'x3', not_configured_action: 'configure' }, 'not_configured_action'],
        ['validate', { name: 'x4', last_auth_threshold: 'soon' }, 'last_auth_threshold'],
        ['validate', { name: 'x5', not_configured_action: 'maybe' }, undefined],
        ['totp', { name: 'x6', digits: '7' }, undefined],
        ['static', { name: 'x7', token_length: 4 }, undefined],
        ['static', { name: 'x8', token_count: 10_000_000 }, undefined],
        [
          'webauthn',
          { name: 'x9', device_type_restrictions: ['00000000-0000-4000-8000-000000000000'] },
          'device_type_restrictions',
        ],
        ['totp', { name: 'x10', configure_flow: '00000000-0000-4000-8000-000000000000' }, 'configure_flow'],
      ] as const) {
        const res = await api.post(`/api/v3/stages/authenticator/${kind}/`, body);
        assert.equal(res.statusCode, 400, `${kind} ${JSON.stringify(body)}: ${res.body}`);
        if (field) assert.ok(field in (res.json() as object), `${field} in ${res.body}`);
      }
      const all = (await api.get('/api/v3/stages/all/?page_size=1000')).json() as { results: StageBody[] };
      assert.ok(!all.results.some((s) => /^x\d+$/.test(s.name)));
    });
  });
}
