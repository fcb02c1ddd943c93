import { ListPage } from '../../components/list-page.tsx';
import type { Flow } from '../../lib/types.ts';

/** Flows (built in; they have no editing API yet). */
export function FlowsPage() {
  return (
    <ListPage<Flow>
      path="/flows/instances/"
      noun="flows"
      ordering="slug"
      rowKey={(f) => f.pk}
      rowName={(f) => f.name}
      columns={[
        { label: 'Name', sort: 'name', render: (f) => f.name },
        { label: 'Slug', sort: 'slug', render: (f) => <code>{f.slug}</code> },
        { label: 'Designation', sort: 'designation', render: (f) => f.designation },
        { label: 'Title', render: (f) => f.title },
      ]}
    />
  );
}
