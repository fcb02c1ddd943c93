/** System → Certificates: the list; generate a self-signed pair; rename one. */
import { useState } from 'preact/hooks';
import { bindDraft, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { type FormDone, ListPage, yesNo } from '../../components/list-page.tsx';
import { api } from '../../lib/api.ts';
import type { CertificateKeyPair } from '../../lib/types.ts';

const GENERATE = { common_name: '', subject_alt_name: '', validity_days: '365', alg: 'rsa' };

/** Generates a self-signed certificate and its private key in the core. */
function GenerateModal(props: FormDone) {
  const [draft, setDraft] = useState(GENERATE);
  const submission = useSubmission(async () => {
    const days = Number(draft.validity_days);
    if (!Number.isInteger(days)) {
      submission.showErrors({ validity_days: ['Give a whole number of days.'] });
      return;
    }
    await api('POST', '/crypto/certificatekeypairs/generate/', { ...draft, validity_days: days });
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="certificate-key pair"
      title="Generate certificate-key pair"
      submitLabel="Generate"
      submission={submission}
      shown={Object.keys(GENERATE)}
      onClose={props.onClose}
    >
      <TextField {...f.text('common_name')} label="Common name" required hint="Also the pair's name." />
      <TextField
        {...f.text('subject_alt_name')}
        label="Subject alternative names"
        hint="Host names, separated by commas, e.g. auth.example.com, *.example.com"
      />
      <TextField {...f.text('validity_days')} label="Validity (days)" type="number" required />
      <SelectField
        {...f.select('alg')}
        label="Key algorithm"
        options={[
          ['rsa', 'RSA'],
          ['ecdsa', 'ECDSA'],
          ['ed25519', 'Ed25519'],
        ]}
      />
    </FormModal>
  );
}

/** Renames a pair (its certificate and key stay as they are). */
function RenameModal(props: { existing: CertificateKeyPair } & FormDone) {
  const [name, setName] = useState(props.existing.name);
  const submission = useSubmission(async () => {
    await api('PATCH', `/crypto/certificatekeypairs/${props.existing.pk}/`, { name });
    props.onSaved();
  });
  return (
    <FormModal
      noun="certificate-key pair"
      editing={props.existing.name}
      submission={submission}
      shown={['name']}
      onClose={props.onClose}
    >
      <TextField
        name="name"
        label="Name"
        required
        value={name}
        errors={submission.errors}
        onInput={setName}
      />
    </FormModal>
  );
}

/** Certificate-key pairs: what each is for, whether it has a private key, and when it expires. */
export function CertificatesPage() {
  return (
    <ListPage<CertificateKeyPair>
      path="/crypto/certificatekeypairs/"
      noun="certificates"
      ordering="name"
      rowKey={(c) => c.pk}
      rowName={(c) => c.name}
      creates={[{ label: 'Generate' }]}
      form={({ row }, done) => (row ? <RenameModal existing={row} {...done} /> : <GenerateModal {...done} />)}
      editable={(c) => !c.managed}
      deletePath={(c) => (c.managed ? undefined : `/crypto/certificatekeypairs/${c.pk}/`)}
      columns={[
        { label: 'Name', sort: 'name', render: (c) => c.name },
        { label: 'Subject', render: (c) => c.cert_subject ?? '—' },
        { label: 'Private key', render: (c) => yesNo(c.private_key_available) },
        {
          label: 'Expires',
          render: (c) => (c.cert_expiry ? new Date(c.cert_expiry).toLocaleDateString() : '—'),
        },
        { label: 'Managed', render: (c) => yesNo(Boolean(c.managed)) },
      ]}
    />
  );
}
