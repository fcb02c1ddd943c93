/** Stages → Create / Edit: one form for every stage kind, its fields read from stage-kinds.ts. */
import { useState } from 'preact/hooks';
import { Unloaded } from '../../components/load-state.tsx';
import { CheckboxField, ChecklistField, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import type { FormDone } from '../../components/list-page.tsx';
import { api, type FieldErrors } from '../../lib/api.ts';
import { useAll, useGet } from '../../lib/use-api.ts';
import type { Flow, Stage } from '../../lib/types.ts';
import { type StageField, type StageKindForm, STAGE_KIND_FORMS, stageKindForm } from '../stage-kinds.ts';

type Draft = Record<string, unknown>;

/** The draft of a stage as the form edits it: numbers as text, null as '' (a select's "None"). */
function draftOfStage(kind: StageKindForm, stage: Draft | undefined): Draft {
  const draft: Draft = { name: stage?.name ?? '' };
  for (const field of kind.fields) {
    const value = stage ? stage[field.key] : kind.defaults[field.key];
    if (field.type === 'number') draft[field.key] = value === undefined ? '' : String(value);
    else if (field.type === 'check') draft[field.key] = Boolean(value);
    else if (field.type === 'checklist' || field.type === 'stages')
      draft[field.key] = Array.isArray(value) ? value : [];
    else draft[field.key] = value ?? '';
  }
  return draft;
}

/** The request body of a draft: numbers back to numbers, '' back to null for the selects of "None". */
function bodyOfDraft(kind: StageKindForm, draft: Draft): Draft {
  const body: Draft = { name: draft.name };
  for (const field of kind.fields) {
    const value = draft[field.key];
    if (field.type === 'number') body[field.key] = value === '' ? undefined : Number(value);
    else if ((field.type === 'select' || field.type === 'stage' || field.type === 'flow') && value === '')
      body[field.key] = null;
    else body[field.key] = value;
  }
  return body;
}

/** The control of one field of a kind. */
function StageFieldControl(props: {
  field: StageField;
  draft: Draft;
  set: (key: string, value: unknown) => void;
  errors: FieldErrors;
  stages: Stage[];
  flows: Flow[];
}) {
  const { field, errors } = props;
  const { draft } = props;
  const base = { name: field.key, label: field.label, hint: field.hint, errors };
  const set = (value: unknown) => props.set(field.key, value);
  const value = draft[field.key];
  const inComponents = (components: string[]) => (stage: Stage) => components.includes(stage.component);
  const stagesWhere = (keep: (stage: Stage) => boolean) =>
    props.stages.filter(keep).map((s): [string, string] => [s.pk, s.name]);
  switch (field.type) {
    case 'text':
    case 'number':
      return <TextField {...base} type={field.type} value={String(value)} onInput={set} />;
    case 'check':
      return <CheckboxField {...base} checked={Boolean(value)} onChange={set} />;
    case 'checklist':
    case 'stages': {
      const options = 'options' in field ? field.options : stagesWhere(inComponents(field.components));
      return <ChecklistField {...base} value={value as string[]} onChange={set} options={options} />;
    }
    case 'select':
      return <SelectField {...base} value={String(value)} onChange={set} options={field.options} />;
    case 'stage':
    case 'flow': {
      const choices =
        field.type === 'stage'
          ? stagesWhere((s) => s.component === field.component)
          : props.flows
              .filter((f) => f.designation === field.designation)
              .map((f): [string, string] => [f.pk, `${f.name} (${f.slug})`]);
      // null is "None": a stage or flow that need not be set.
      return (
        <SelectField {...base} value={String(value)} onChange={set} options={[['', 'None'], ...choices]} />
      );
    }
  }
}

/**
 * Creates a stage of the kind chosen in the form, or edits `existing` (its kind fixed, its fields loaded
 * from the kind's own API). An edit sends only the fields the form shows (PATCH), so settings the console
 * has no control for are kept.
 */
export function StageModal(props: { existing?: Stage } & FormDone) {
  const e = props.existing;
  const [component, setComponent] = useState(e?.component ?? STAGE_KIND_FORMS[0]?.component ?? '');
  const kind = stageKindForm(component);
  const loaded = useGet<Draft>(e && kind ? `/stages/${kind.path}/${e.pk}/` : null);
  // The form starts from the loaded stage (or the kind's defaults) and holds the user's edits once there
  // are any; an edit's fields appear only when the stage has loaded, so no early change is overwritten.
  const waiting = e !== undefined && !loaded.data;
  const base = kind && !waiting ? draftOfStage(kind, loaded.data) : undefined;
  const [edits, setEdits] = useState<Draft>();
  const draft = edits ?? base ?? {};
  const stages = useAll<Stage>('/stages/all/');
  const flows = useAll<Flow>('/flows/instances/');
  const submission = useSubmission(async () => {
    if (!kind) return;
    const body = bodyOfDraft(kind, draft);
    await (e
      ? api('PATCH', `/stages/${kind.path}/${e.pk}/`, body)
      : api('POST', `/stages/${kind.path}/`, body));
    props.onSaved();
  });
  const set = (key: string, value: unknown) =>
    setEdits((current) => ({ ...(current ?? base ?? {}), [key]: value }));
  const chooseKind = (next: string) => {
    const chosen = stageKindForm(next);
    setComponent(next);
    if (chosen) setEdits({ ...draftOfStage(chosen, undefined), name: draft.name });
  };
  return (
    <FormModal
      noun="stage"
      editing={e?.name}
      submission={submission}
      shown={['name', ...(kind?.fields.map((f) => f.key) ?? [])]}
      onClose={props.onClose}
      notReady={!kind || waiting}
      wide
    >
      {waiting || loaded.error ? (
        <Unloaded loaded={loaded} noun="stage" />
      ) : (
        <>
          <SelectField
            name="kind"
            label="Kind"
            value={component}
            onChange={chooseKind}
            disabled={e !== undefined}
            options={STAGE_KIND_FORMS.map((k): [string, string] => [k.component, k.label])}
          />
          <TextField
            name="name"
            label="Name"
            required
            errors={submission.errors}
            value={String(draft.name ?? '')}
            onInput={(value) => set('name', value)}
          />
          {kind?.fields.map((field) => (
            <StageFieldControl
              key={`${component}:${field.key}`}
              field={field}
              draft={draft}
              set={set}
              errors={submission.errors}
              stages={stages.filter((s) => s.pk !== e?.pk)}
              flows={flows}
            />
          ))}
        </>
      )}
    </FormModal>
  );
}
