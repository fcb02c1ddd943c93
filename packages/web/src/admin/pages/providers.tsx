import { useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.tsx';
import { Link, navigate } from '../../lib/router.ts';
import { useList } from '../../lib/use-api.ts';
import type { Provider } from '../../lib/types.ts';
import { ProxyProviderModal } from './provider-modal.tsx';

/** Every provider, of any kind; a proxy provider opens to its details and setup snippets. */
export function ProvidersPage() {
  const list = useList<Provider>('/providers/all/', 'name');
  const [creating, setCreating] = useState(false);
  return (
    <>
      <DataTable
        noun="providers"
        rowKey={(p) => p.pk}
        page={list.data}
        error={list.error}
        loading={list.loading}
        state={list.state}
        setState={list.setState}
        actions={
          <button type="button" onClick={() => setCreating(true)}>
            Create proxy provider
          </button>
        }
        columns={[
          {
            label: 'Name',
            sort: 'name',
            render: (p) =>
              p.component === 'ak-provider-proxy-form' ? (
                <Link href={`/core/providers/${p.pk}`}>{p.name}</Link>
              ) : (
                p.name
              ),
          },
          { label: 'Type', render: (p) => p.verbose_name },
          {
            label: 'Application',
            render: (p) =>
              p.assigned_application_name ?? <span class="warning">Not assigned to an application</span>,
          },
        ]}
      />
      {creating && (
        <ProxyProviderModal
          onClose={() => setCreating(false)}
          onSaved={(p) => {
            setCreating(false);
            navigate(`/core/providers/${p.pk}`);
          }}
        />
      )}
    </>
  );
}
