import { ListPage } from '../../components/list-page.tsx';
import { Link, navigate } from '../../lib/router.ts';
import type { Flow } from '../../lib/types.ts';
import { FlowModal } from './flow-form.tsx';

/** The admin path of a flow's detail page (its stage bindings). */
export const flowPath = (flow: Pick<Flow, 'slug'>) => `/flow/flows/${encodeURIComponent(flow.slug)}`;

/** Flows: the list, creating one (which opens it, to bind its stages), editing and deleting. */
export function FlowsPage() {
  return (
    <ListPage<Flow>
      path="/flows/instances/"
      noun="flows"
      ordering="slug"
      rowKey={(f) => f.pk}
      rowName={(f) => f.name}
      creates={[{ label: 'Create flow' }]}
      form={({ row }, done) => (
        <FlowModal
          existing={row}
          onClose={done.onClose}
          onSaved={(flow) => (row ? done.onSaved() : navigate(flowPath(flow)))}
        />
      )}
      deletePath={(f) => `/flows/instances/${encodeURIComponent(f.slug)}/`}
      columns={[
        { label: 'Name', sort: 'name', render: (f) => <Link href={flowPath(f)}>{f.name}</Link> },
        { label: 'Slug', sort: 'slug', render: (f) => <code>{f.slug}</code> },
        { label: 'Designation', sort: 'designation', render: (f) => f.designation },
        { label: 'Stages', render: (f) => f.stages.length },
        { label: 'Title', render: (f) => f.title },
      ]}
    />
  );
}
