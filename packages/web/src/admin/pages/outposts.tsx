import { useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.tsx';
import { useGet, useList } from '../../lib/use-api.ts';
import type { Outpost, OutpostHealth } from '../../lib/types.ts';
import { DeploymentInfo } from './deployment-info.tsx';
import { OutpostModal } from './outpost-form.tsx';

/** "3 minutes ago" for a timestamp. */
function ago(iso: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

/** The live instances of one outpost: health, version and when each was last heard from. */
function Health(props: { outpost: Outpost }) {
  const health = useGet<OutpostHealth[]>(`/outposts/instances/${props.outpost.pk}/health/`);
  if (health.error) return <span class="status bad">Unknown</span>;
  if (!health.data) return <span aria-busy="true">…</span>;
  if (health.data.length === 0) {
    return (
      <span class="status bad">
        Not connected
        {props.outpost.managed ? '' : <span class="hint"> (deploy it: View deployment info)</span>}
      </span>
    );
  }
  return (
    <ul class="instances">
      {health.data.map((i) => (
        <li key={i.uid}>
          <span class={`status ${i.version_outdated ? 'warn' : 'good'}`}>
            {i.version_outdated ? 'Outdated' : 'Healthy'}
          </span>{' '}
          <span>
            {i.hostname || i.uid} · version {i.version}
            {i.version_outdated ? ` (should be ${i.version_should})` : ''} · last seen {ago(i.last_seen)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Outposts: their providers, the health of each instance, and how to deploy them. */
export function OutpostsPage() {
  const list = useList<Outpost>('/outposts/instances/', 'name');
  const [editing, setEditing] = useState<Outpost | 'new'>();
  const [deploying, setDeploying] = useState<Outpost>();
  return (
    <>
      <DataTable
        noun="outposts"
        rowKey={(o) => o.pk}
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
          { label: 'Name', sort: 'name', render: (o) => <strong>{o.name}</strong> },
          { label: 'Type', render: (o) => o.type },
          {
            label: 'Providers',
            render: (o) =>
              o.providers_obj.length ? (
                o.providers_obj.map((p) => p.name).join(', ')
              ) : (
                <span class="warning">None</span>
              ),
          },
          { label: 'Integration', render: () => 'None (deployed by hand)' },
          { label: 'Health and version', render: (o) => <Health outpost={o} /> },
          {
            label: 'Actions',
            render: (o) => (
              <div class="row-actions">
                <button
                  type="button"
                  class="secondary"
                  onClick={() => setEditing(o)}
                  aria-label={`Edit ${o.name}`}
                >
                  Edit
                </button>
                <button
                  type="button"
                  class="secondary"
                  onClick={() => setDeploying(o)}
                  aria-label={`View deployment info of ${o.name}`}
                >
                  View deployment info
                </button>
              </div>
            ),
          },
        ]}
      />
      {editing && (
        <OutpostModal
          existing={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
      {deploying && <DeploymentInfo outpost={deploying} onClose={() => setDeploying(undefined)} />}
    </>
  );
}
