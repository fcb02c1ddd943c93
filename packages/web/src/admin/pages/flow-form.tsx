/** Flows → Create / Edit: a flow's name, slug, title, designation and who may run it. */
import { useState } from 'preact/hooks';
import {
  FLOW_AUTHENTICATION,
  FLOW_DENIED_ACTIONS,
  FLOW_DESIGNATIONS,
  FLOW_LAYOUTS,
} from '@palisade/schema/api/flows';
import { bindDraft, CheckboxField, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import type { FormDone } from '../../components/list-page.tsx';
import { api } from '../../lib/api.ts';
import { draftOf } from '../../lib/draft.ts';
import type { Flow } from '../../lib/types.ts';

const EMPTY = {
  name: '',
  slug: '',
  title: '',
  designation: 'authentication' as Flow['designation'],
  authentication: 'none' as Flow['authentication'],
  denied_action: 'message_continue' as Flow['denied_action'],
  layout: 'stacked' as Flow['layout'],
  policy_engine_mode: 'any' as Flow['policy_engine_mode'],
  compatibility_mode: false,
};

/** What each authentication requirement means, in the words of docs/flows.md. */
const AUTHENTICATION_LABELS: Record<Flow['authentication'], string> = {
  none: 'No requirement',
  require_authenticated: 'Require a signed-in user',
  require_unauthenticated: 'Require a signed-out client',
  require_superuser: 'Require a superuser',
  require_redirect: 'Require arriving by a redirect',
  require_outpost: 'Require an outpost (LDAP, RADIUS)',
};

/** The options of a policy engine mode select (flows and their stage bindings). */
export const POLICY_ENGINE_MODES: Array<[string, string]> = [
  ['any', 'any: one passing policy is enough'],
  ['all', 'all: every policy must pass'],
];

/** [value, value] options of a list of API values (shown as the API spells them). */
const asOptions = (values: readonly string[]): Array<[string, string]> => values.map((v) => [v, v]);

/** Creates a flow, or edits `existing` (by its slug); the server's field errors show at their fields. */
export function FlowModal(
  props: { existing?: Flow; onSaved: (flow: Flow) => void } & Omit<FormDone, 'onSaved'>,
) {
  const e = props.existing;
  const [draft, setDraft] = useState(draftOf(EMPTY, e));
  const submission = useSubmission(async () => {
    const saved = e
      ? await api<Flow>('PUT', `/flows/instances/${encodeURIComponent(e.slug)}/`, draft)
      : await api<Flow>('POST', '/flows/instances/', draft);
    props.onSaved(saved);
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="flow"
      editing={e?.name}
      submission={submission}
      shown={Object.keys(EMPTY)}
      onClose={props.onClose}
    >
      <TextField {...f.text('name')} label="Name" required />
      <TextField {...f.text('slug')} label="Slug" required hint="Its address: /if/flow/<slug>/." />
      <TextField {...f.text('title')} label="Title" required hint="The heading of the flow's pages." />
      <SelectField {...f.select('designation')} label="Designation" options={asOptions(FLOW_DESIGNATIONS)} />
      <SelectField
        {...f.select('authentication')}
        label="Authentication"
        options={FLOW_AUTHENTICATION.map((v): [string, string] => [v, AUTHENTICATION_LABELS[v]])}
      />
      <SelectField
        {...f.select('denied_action')}
        label="Denied action"
        options={asOptions(FLOW_DENIED_ACTIONS)}
      />
      <SelectField {...f.select('layout')} label="Layout" options={asOptions(FLOW_LAYOUTS)} />
      <SelectField
        {...f.select('policy_engine_mode')}
        label="Policy engine mode"
        options={POLICY_ENGINE_MODES}
      />
      <CheckboxField {...f.check('compatibility_mode')} label="Compatibility mode" />
    </FormModal>
  );
}
