import { DataTable } from '../../components/data-table.tsx';
import { useList } from '../../lib/use-api.ts';
import type { CertificateKeyPair } from '../../lib/types.ts';

/** Certificate-key pairs: what each is for, whether it has a private key, and when it expires. */
export function CertificatesPage() {
  const list = useList<CertificateKeyPair>('/crypto/certificatekeypairs/', 'name');
  return (
    <DataTable
      noun="certificates"
      rowKey={(c) => c.pk}
      page={list.data}
      error={list.error}
      loading={list.loading}
      state={list.state}
      setState={list.setState}
      columns={[
        { label: 'Name', sort: 'name', render: (c) => c.name },
        { label: 'Subject', render: (c) => c.cert_subject ?? '—' },
        { label: 'Private key', render: (c) => (c.private_key_available ? 'Yes' : 'No') },
        {
          label: 'Expires',
          render: (c) => (c.cert_expiry ? new Date(c.cert_expiry).toLocaleDateString() : '—'),
        },
        { label: 'Managed', render: (c) => (c.managed ? 'Yes' : 'No') },
      ]}
    />
  );
}
