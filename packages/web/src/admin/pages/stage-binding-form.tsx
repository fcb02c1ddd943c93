/** A flow's page → Bind stage / Edit binding: which stage runs at which order, and under which policies. */
import { useEffect, useState } from 'preact/hooks';
import { INVALID_RESPONSE_ACTIONS } from '@palisade/schema/api/flows';
import { bindDraft, CheckboxField, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import type { FormDone } from '../../components/list-page.tsx';
import { api } from '../../lib/api.ts';
import { draftOf } from '../../lib/draft.ts';
import { useAll } from '../../lib/use-api.ts';
import type { Flow, FlowStageBinding, Stage } from '../../lib/types.ts';
import { POLICY_ENGINE_MODES } from './flow-form.tsx';

const EMPTY = {
  stage: '',
  order: '',
  evaluate_on_plan: false,
  re_evaluate_policies: true,
  invalid_response_action: 'retry' as FlowStageBinding['invalid_response_action'],
  policy_engine_mode: 'any' as FlowStageBinding['policy_engine_mode'],
};

const ACTION_LABELS: Record<FlowStageBinding['invalid_response_action'], string> = {
  retry: 'Ask again',
  restart: 'Restart the flow',
  restart_with_context: 'Restart the flow, keeping what it knows',
};

/** The order a new binding is proposed at: after every binding the flow has (steps of 10 leave room). */
export function nextOrder(bindings: Array<Pick<FlowStageBinding, 'order'>>): number {
  return bindings.reduce((max, b) => Math.max(max, b.order), 0) + 10;
}

/** Binds a stage to `flow`, or edits the binding `existing` (e.g. its order); field errors show in place. */
export function StageBindingModal(props: { flow: Flow; existing?: FlowStageBinding } & FormDone) {
  const e = props.existing;
  const [draft, setDraft] = useState(draftOf(EMPTY, e ? { ...e, order: String(e.order) } : undefined));
  const stages = useAll<Stage>('/stages/all/');
  const bindings = useAll<FlowStageBinding>(`/flows/bindings/?target=${props.flow.pk}`);
  const firstStage = stages[0]?.pk ?? '';
  const proposedOrder = bindings.length ? String(nextOrder(bindings)) : '';
  // Until the user picks, a new binding proposes the first stage and the order after the last binding.
  useEffect(() => {
    if (e) return;
    setDraft((current) => ({
      ...current,
      stage: current.stage || firstStage,
      order: current.order || proposedOrder,
    }));
  }, [firstStage, proposedOrder]);
  const submission = useSubmission(async () => {
    const body = {
      ...draft,
      target: props.flow.pk,
      order: draft.order === '' ? undefined : Number(draft.order),
    };
    await (e ? api('PUT', `/flows/bindings/${e.pk}/`, body) : api('POST', '/flows/bindings/', body));
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun={`binding in ${props.flow.name}`}
      title={e ? `Edit the binding of ${e.stage_obj.name}` : `Bind a stage to ${props.flow.name}`}
      submitLabel={e ? 'Update' : 'Bind'}
      submission={submission}
      shown={[...Object.keys(EMPTY), 'target']}
      onClose={props.onClose}
    >
      <SelectField
        {...f.select('stage')}
        label="Stage"
        required
        options={stages.map((s): [string, string] => [s.pk, `${s.name} (${s.verbose_name})`])}
      />
      <TextField
        {...f.text('order')}
        type="number"
        label="Order"
        required
        hint="Stages run from the lowest order to the highest."
      />
      <CheckboxField {...f.check('evaluate_on_plan')} label="Evaluate policies when the flow starts" />
      <CheckboxField
        {...f.check('re_evaluate_policies')}
        label="Evaluate policies when the stage is reached"
      />
      <SelectField
        {...f.select('invalid_response_action')}
        label="On a wrong answer"
        options={INVALID_RESPONSE_ACTIONS.map((v): [string, string] => [v, ACTION_LABELS[v]])}
      />
      <SelectField
        {...f.select('policy_engine_mode')}
        label="Policy engine mode"
        options={POLICY_ENGINE_MODES}
      />
    </FormModal>
  );
}
