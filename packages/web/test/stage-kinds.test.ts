import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STAGE_KINDS } from '../../core/src/flows/engine/stages/index.ts';
import { STAGE_KIND_FORMS, stageKindForm } from '../src/admin/stage-kinds.ts';

describe("the console's stage forms", () => {
  it('has a form for every stage kind the core registers, at its API path', () => {
    for (const kind of STAGE_KINDS) {
      const form = stageKindForm(kind.component);
      assert.ok(form, `a form for ${kind.component}`);
      assert.equal(form.path, kind.kind);
    }
    assert.equal(STAGE_KIND_FORMS.length, STAGE_KINDS.length, 'no form for a kind the core does not know');
  });

  it("shows only the kinds' own fields, starting from the core's defaults", () => {
    for (const form of STAGE_KIND_FORMS) {
      const kind = STAGE_KINDS.find((k) => k.component === form.component);
      assert.ok(kind);
      const own = Object.keys(kind.configSchema.properties);
      for (const field of form.fields) {
        assert.ok(own.includes(field.key), `${form.path}: ${field.key} is a field of the kind`);
        assert.deepEqual(
          form.defaults[field.key],
          (kind.defaults as Record<string, unknown>)[field.key],
          `${form.path}: ${field.key} starts at the core's default`,
        );
      }
      assert.deepEqual(Object.keys(form.defaults).sort(), form.fields.map((f) => f.key).sort());
    }
  });

  it('offers every not-configured action the validation stage accepts', () => {
    const validate = STAGE_KINDS.find((k) => k.kind === 'authenticator/validate');
    const action = validate?.configSchema.properties.not_configured_action as unknown as {
      anyOf: Array<{ const: string }>;
    };
    const form = stageKindForm('ak-stage-authenticator-validate-form');
    const field = form?.fields.find((f) => f.key === 'not_configured_action');
    assert.ok(field && field.type === 'select');
    assert.deepEqual(field.options.map(([v]) => v).sort(), action.anyOf.map((a) => a.const).sort());
  });
});
