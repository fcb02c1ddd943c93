import { useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.tsx';
import { Link } from '../../lib/router.ts';
import { useAll, useList } from '../../lib/use-api.ts';
import type { Application, Provider } from '../../lib/types.ts';
import { ApplicationModal } from './application-wizard.tsx';

/** Every application (not only the admin's own), with its provider. */
export function ApplicationsPage() {
  const list = useList<Application>('/core/applications/', 'name', { superuser_full_list: true });
  const providers = useAll<Provider>('/providers/all/');
  const [editing, setEditing] = useState<Application | 'new'>();
  const providerOf = (a: Application) => providers.find((p) => p.pk === a.provider);
  return (
    <>
      <DataTable
        noun="applications"
        rowKey={(a) => a.pk}
        page={list.data}
        error={list.error}
        loading={list.loading}
        state={list.state}
        setState={list.setState}
        actions={
          <button type="button" onClick={() => setEditing('new')}>
            Create
          </button>
        }
        columns={[
          { label: 'Name', sort: 'name', render: (a) => <strong>{a.name}</strong> },
          { label: 'Slug', sort: 'slug', render: (a) => <code>{a.slug}</code> },
          {
            label: 'Provider',
            render: (a) => {
              const p = providerOf(a);
              if (!p) return <span class="warning">No provider</span>;
              return p.component === 'ak-provider-proxy-form' ? (
                <Link href={`/core/providers/${p.pk}`}>{p.name}</Link>
              ) : (
                p.name
              );
            },
          },
          { label: 'Type', render: (a) => providerOf(a)?.verbose_name ?? '—' },
          {
            label: 'Actions',
            render: (a) => (
              <button
                type="button"
                class="secondary"
                onClick={() => setEditing(a)}
                aria-label={`Edit ${a.name}`}
              >
                Edit
              </button>
            ),
          },
        ]}
      />
      {editing && (
        <ApplicationModal
          existing={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
    </>
  );
}
