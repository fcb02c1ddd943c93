/** The LDAP provider form: bind and unbind flows, base DN, TLS, uid/gid numbers, modes and who searches all. */
import { DEFAULT_LDAP_BASE_DN } from '@palisade/schema/provider-defaults';
import { useState } from 'preact/hooks';
import { bindDraft, CheckboxField, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, hasErrorIn, useSubmission } from '../../components/form-modal.tsx';
import { saveTo } from '../../lib/api.ts';
import { draftOf, orNull } from '../../lib/draft.ts';
import { wholeNumbers } from '../../lib/whole-numbers.ts';
import { useAll } from '../../lib/use-api.ts';
import type { CertificateKeyPair, Group, LdapProvider } from '../../lib/types.ts';
import { FlowSelect, keypairOptions, useProposedFlows } from './form-options.tsx';
import { type KindFormProps, kindModal } from './provider-kind-modal.tsx';

/** A new provider's values: the API's defaults (numbers as the text their inputs hold). */
const EMPTY = {
  name: '',
  authorization_flow: '',
  invalidation_flow: '',
  base_dn: DEFAULT_LDAP_BASE_DN,
  search_group: '',
  certificate: '',
  tls_server_name: '',
  uid_start_number: '2000',
  gid_start_number: '4000',
  search_mode: 'direct' as LdapProvider['search_mode'],
  bind_mode: 'direct' as LdapProvider['bind_mode'],
  mfa_support: true,
};
type Draft = typeof EMPTY;

/** The fields folded under "Advanced protocol settings" (unfolded when one of them is refused). */
const ADVANCED = ['invalidation_flow', 'uid_start_number', 'gid_start_number'];

/** The two modes, for both the search and the bind select. */
export const LDAP_MODES: Array<[Draft['search_mode'], string]> = [
  ['direct', 'Direct: ask the core each time'],
  ['cached', 'Cached: answer from the outpost’s memory'],
];

function LdapProviderForm(props: KindFormProps<LdapProvider>) {
  const e = props.existing;
  const [draft, setDraft] = useState<Draft>(() => {
    const d = draftOf(EMPTY, e);
    return e
      ? { ...d, uid_start_number: String(e.uid_start_number), gid_start_number: String(e.gid_start_number) }
      : d;
  });
  const flows = useProposedFlows(draft, setDraft, 'authentication');
  const certificates = useAll<CertificateKeyPair>('/crypto/certificatekeypairs/?has_key=true');
  const groups = useAll<Group>('/core/groups/');
  const submission = useSubmission(async () => {
    const numbers = wholeNumbers(draft, ['uid_start_number', 'gid_start_number']);
    if ('problems' in numbers) return submission.showErrors(numbers.problems);
    const body = {
      ...draft,
      ...numbers.values,
      certificate: orNull(draft.certificate),
      search_group: orNull(draft.search_group),
      // LDAP providers have no property mappings: the API takes only an empty list.
      property_mappings: [],
    };
    await saveTo('/providers/ldap/', e?.pk, body);
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="LDAP provider"
      editing={e?.name}
      submission={submission}
      shown={Object.keys(EMPTY)}
      onClose={props.onClose}
      wide
    >
      <TextField {...f.text('name')} label="Provider name" required />
      <FlowSelect
        designation="authorization"
        label="Bind flow"
        flows={flows}
        field={f.select('authorization_flow')}
        hint="An authentication flow, run for each bind with the client's password (and code)."
      />
      <TextField
        {...f.text('base_dn')}
        label="Base DN"
        required
        hint={
          <>
            Users appear under <code>ou=users,</code>, groups under <code>ou=groups,</code> this DN.
          </>
        }
      />
      <SelectField
        {...f.select('search_group')}
        label="Search full directory"
        options={[
          ['', 'Nobody: each user sees only themselves'],
          ...groups.map((g): [string, string] => [g.pk, g.name]),
        ]}
        hint="Members of this group (directly or through a group below it) see every user and group."
      />
      <div class="grid-2">
        <SelectField {...f.select('search_mode')} label="Search mode" options={LDAP_MODES} />
        <SelectField {...f.select('bind_mode')} label="Bind mode" options={LDAP_MODES} />
      </div>
      <CheckboxField
        {...f.check('mfa_support')}
        label="MFA support: a password ending in ;123456 is split into password and code"
      />
      <div class="grid-2">
        <SelectField
          {...f.select('certificate')}
          label="Certificate"
          options={keypairOptions(certificates)}
          hint="Served on LDAPS and StartTLS."
        />
        <TextField
          {...f.text('tls_server_name')}
          label="TLS server name"
          placeholder="ldap.example.com"
          hint="The SNI name for which the outpost presents this certificate."
        />
      </div>
      <details class="advanced" open={hasErrorIn(submission.errors, ADVANCED) || undefined}>
        <summary>Advanced protocol settings</summary>
        <FlowSelect
          designation="invalidation"
          label="Unbind flow"
          flows={flows}
          field={f.select('invalidation_flow')}
        />
        <div class="grid-2">
          <TextField
            {...f.text('uid_start_number')}
            label="uidNumber start"
            type="number"
            hint="Added to each user's number for uidNumber."
          />
          <TextField
            {...f.text('gid_start_number')}
            label="gidNumber start"
            type="number"
            hint="Added to each group's number for gidNumber."
          />
        </div>
      </details>
    </FormModal>
  );
}

/** Creates an LDAP provider, or edits the one with `pk`. */
export const LdapProviderModal = kindModal('ldap', LdapProviderForm);
