/** The RADIUS provider form: authentication flow, client networks, shared secret, EAP certificate, mappings. */
import { DEFAULT_RADIUS_CLIENT_NETWORKS } from '@palisade/schema/provider-defaults';
import { useState } from 'preact/hooks';
import {
  bindDraft,
  CheckboxField,
  ChecklistField,
  SelectField,
  TextField,
} from '../../components/fields.tsx';
import { FormModal, hasErrorIn, useSubmission } from '../../components/form-modal.tsx';
import { saveTo } from '../../lib/api.ts';
import { draftOf, orNull } from '../../lib/draft.ts';
import { useAll } from '../../lib/use-api.ts';
import type { CertificateKeyPair, RadiusPropertyMapping, RadiusProvider } from '../../lib/types.ts';
import { FlowSelect, keypairOptions, useProposedFlows } from './form-options.tsx';
import { type KindFormProps, kindModal } from './provider-kind-modal.tsx';

/** A new provider's values: the API's defaults; an empty secret makes the server generate one. */
const EMPTY = {
  name: '',
  authorization_flow: '',
  invalidation_flow: '',
  client_networks: DEFAULT_RADIUS_CLIENT_NETWORKS,
  shared_secret: '',
  mfa_support: true,
  certificate: '',
  property_mappings: [] as string[],
};
type Draft = typeof EMPTY;

function RadiusProviderForm(props: KindFormProps<RadiusProvider>) {
  const e = props.existing;
  // An existing provider's secret comes with it (the API shows it to superusers), so it edits like a field.
  const [draft, setDraft] = useState<Draft>(draftOf(EMPTY, e));
  const flows = useProposedFlows(draft, setDraft, 'authentication');
  const certificates = useAll<CertificateKeyPair>('/crypto/certificatekeypairs/?has_key=true');
  const mappings = useAll<RadiusPropertyMapping>('/propertymappings/provider/radius/');
  const submission = useSubmission(async () => {
    const body: Record<string, unknown> = { ...draft, certificate: orNull(draft.certificate) };
    // Left empty on a new provider, the server generates a random secret.
    if (!e && !draft.shared_secret) delete body.shared_secret;
    await saveTo('/providers/radius/', e?.pk, body);
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="RADIUS provider"
      editing={e?.name}
      submission={submission}
      shown={Object.keys(EMPTY)}
      onClose={props.onClose}
      wide
    >
      <TextField {...f.text('name')} label="Provider name" required />
      <FlowSelect
        designation="authorization"
        label="Authentication flow"
        flows={flows}
        field={f.select('authorization_flow')}
        hint="Run for each Access-Request with the user's password (and code)."
      />
      <TextField
        {...f.text('client_networks')}
        label="Client networks"
        required
        hint="Comma-separated CIDRs the network devices send from, e.g. 10.20.0.0/16, 192.0.2.7/32."
      />
      <TextField
        {...f.text('shared_secret')}
        label="Shared secret"
        required={Boolean(e)}
        hint={e ? 'The secret the network devices share with the outpost.' : 'Leave empty to generate one.'}
      />
      <CheckboxField
        {...f.check('mfa_support')}
        label="MFA support: a password ending in ;123456 is split into password and code"
      />
      <SelectField
        {...f.select('certificate')}
        label="Certificate (EAP-TLS and PEAP)"
        options={keypairOptions(certificates)}
      />
      <ChecklistField
        name="property_mappings"
        errors={submission.errors}
        value={draft.property_mappings}
        onChange={(value) => setDraft((c) => ({ ...c, property_mappings: value }))}
        label="Property mappings"
        options={mappings.map((m) => [m.pk, m.name])}
        hint={
          mappings.length === 0
            ? 'No RADIUS property mappings yet (Applications → RADIUS Property Mappings).'
            : 'Their attributes are added to each Access-Accept, in name order.'
        }
      />
      <details class="advanced" open={hasErrorIn(submission.errors, ['invalidation_flow']) || undefined}>
        <summary>Advanced protocol settings</summary>
        <FlowSelect designation="invalidation" flows={flows} field={f.select('invalidation_flow')} />
      </details>
    </FormModal>
  );
}

/** Creates a RADIUS provider, or edits the one with `pk`. */
export const RadiusProviderModal = kindModal('radius', RadiusProviderForm);
