/** System → Outpost Integrations: the Docker and Kubernetes connections outposts are deployed through. */
import { ListPage, yesNo } from '../../components/list-page.tsx';
import { useGet } from '../../lib/use-api.ts';
import type { ServiceConnection, ServiceConnectionState } from '../../lib/types.ts';
import { IntegrationModal } from './integration-forms.tsx';

/** A connection's state, checked by the core when asked (healthy, and the platform's version). */
function State(props: { pk: string }) {
  const state = useGet<ServiceConnectionState>(`/outposts/service_connections/all/${props.pk}/state/`);
  if (state.error) return <span class="status bad">Unknown ({state.error.message})</span>;
  if (!state.data) return <span aria-busy="true">Checking…</span>;
  return state.data.healthy ? (
    <span class="status good">Healthy · version {state.data.version}</span>
  ) : (
    <span class="status bad">Unhealthy</span>
  );
}

const kindOf = (c: ServiceConnection) =>
  c.component === 'ak-service-connection-docker-form' ? ('docker' as const) : ('kubernetes' as const);

/** Every integration with its state; create and edit either kind. */
export function IntegrationsPage() {
  return (
    <ListPage<ServiceConnection>
      path="/outposts/service_connections/all/"
      noun="integrations"
      ordering="name"
      rowKey={(c) => c.pk}
      rowName={(c) => c.name}
      creates={[
        { label: 'Create Docker integration', kind: 'docker' },
        { label: 'Create Kubernetes integration', kind: 'kubernetes' },
      ]}
      form={({ row, kind }, done) => (
        <IntegrationModal
          kind={row ? kindOf(row) : kind === 'docker' ? 'docker' : 'kubernetes'}
          pk={row?.pk}
          {...done}
        />
      )}
      deletePath={(c) => `/outposts/service_connections/all/${c.pk}/`}
      columns={[
        { label: 'Name', sort: 'name', render: (c) => <strong>{c.name}</strong> },
        { label: 'Type', render: (c) => c.verbose_name },
        { label: 'Local', sort: 'local', render: (c) => yesNo(c.local) },
        { label: 'State', render: (c) => <State pk={c.pk} /> },
      ]}
    />
  );
}
