import { useState } from 'preact/hooks';
import { ListPage } from '../../components/list-page.tsx';
import { Link } from '../../lib/router.ts';
import { useGet } from '../../lib/use-api.ts';
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

/** Outposts: their providers and integration, the health of each instance, and how to deploy them. */
export function OutpostsPage() {
  const [deploying, setDeploying] = useState<Outpost>();
  return (
    <>
      <ListPage<Outpost>
        path="/outposts/instances/"
        noun="outposts"
        ordering="name"
        rowKey={(o) => o.pk}
        rowName={(o) => o.name}
        form={({ row }, done) => <OutpostModal existing={row} {...done} />}
        deletePath={(o) => (o.managed ? undefined : `/outposts/instances/${o.pk}/`)}
        rowActions={(o) => (
          <button
            type="button"
            class="secondary"
            onClick={() => setDeploying(o)}
            aria-label={`View deployment info of ${o.name}`}
          >
            View deployment info
          </button>
        )}
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
          {
            label: 'Integration',
            render: (o) =>
              o.service_connection_obj ? (
                <Link href="/outpost/integrations">{o.service_connection_obj.name}</Link>
              ) : (
                'None (deployed by hand)'
              ),
          },
          { label: 'Health and version', render: (o) => <Health outpost={o} /> },
        ]}
      />
      {deploying && <DeploymentInfo outpost={deploying} onClose={() => setDeploying(undefined)} />}
    </>
  );
}
