/** The RAC provider form: authorization flow, connection expiry, shared settings and property mappings. */
import { useState } from 'preact/hooks';
import { bindDraft, CheckboxField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { saveTo } from '../../lib/api.ts';
import { draftOf } from '../../lib/draft.ts';
import type { RacProvider } from '../../lib/types.ts';
import { FlowSelect, useProposedFlows } from './form-options.tsx';
import { type KindFormProps, kindModal } from './provider-kind-modal.tsx';
import { ConnectionFields, parseSettingsText, settingsText } from './rac-settings-field.tsx';

const EMPTY = {
  name: '',
  authorization_flow: '',
  invalidation_flow: '',
  connection_expiry: 'hours=8',
  delete_token_on_disconnect: false,
  auth_mode: 'static' as RacProvider['auth_mode'],
  property_mappings: [] as string[],
  settings: '{}',
};
type Draft = typeof EMPTY;

function RacProviderForm(props: KindFormProps<RacProvider>) {
  const e = props.existing;
  const [draft, setDraft] = useState<Draft>({ ...draftOf(EMPTY, e), settings: settingsText(e?.settings) });
  const flows = useProposedFlows(draft, setDraft);
  const submission = useSubmission(async () => {
    const parsed = parseSettingsText(draft.settings);
    if ('problem' in parsed) return submission.showErrors({ settings: [parsed.problem] });
    const body = { ...draft, settings: parsed.settings };
    await saveTo('/providers/rac/', e?.pk, body);
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="RAC provider"
      editing={e?.name}
      submission={submission}
      shown={Object.keys(EMPTY)}
      onClose={props.onClose}
      wide
    >
      <TextField {...f.text('name')} label="Provider name" required />
      <FlowSelect
        designation="authorization"
        flows={flows}
        field={f.select('authorization_flow')}
        hint="Runs at every launch of one of its endpoints."
      />
      <TextField
        {...f.text('connection_expiry')}
        label="Connection expiry"
        hint="How long a launch's connection token lives, e.g. hours=8."
      />
      <CheckboxField
        {...f.check('delete_token_on_disconnect')}
        label="Delete the connection token when the browser disconnects (one connection per launch)"
      />
      <ConnectionFields
        draft={draft}
        onChange={setDraft}
        errors={submission.errors}
        settingsLabel="Settings (shared by every endpoint)"
      />
      <details class="advanced">
        <summary>Advanced protocol settings</summary>
        <FlowSelect designation="invalidation" flows={flows} field={f.select('invalidation_flow')} />
      </details>
    </FormModal>
  );
}

/** Creates an RAC provider, or edits the one with `pk`. */
export const RacProviderModal = kindModal('rac', RacProviderForm);
