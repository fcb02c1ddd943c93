/** Events: the audit log, newest first, searchable (action, app, client, user, context). */
import { dateTime, ListPage } from '../../components/list-page.tsx';
import type { Event } from '../../lib/types.ts';

const username = (e: Event) => (typeof e.user.username === 'string' ? e.user.username : '—');

/** The event's context (what happened, in the poster's words), folded until opened. */
function Context(props: { event: Event }) {
  const entries = Object.keys(props.event.context);
  if (entries.length === 0) return <span class="hint">—</span>;
  return (
    <details class="event-context">
      <summary>{entries.slice(0, 3).join(', ')}</summary>
      <pre class="snippet">
        <code>{JSON.stringify(props.event.context, null, 2)}</code>
      </pre>
    </details>
  );
}

/** Every recorded event: when, what, who, from where. */
export function EventsPage() {
  return (
    <ListPage<Event>
      path="/events/events/"
      noun="events"
      ordering="-created"
      rowKey={(e) => e.pk}
      rowName={(e) => e.action}
      columns={[
        { label: 'Time', sort: 'created', render: (e) => dateTime(e.created) },
        { label: 'Action', sort: 'action', render: (e) => <code>{e.action}</code> },
        { label: 'User', sort: 'user', render: username },
        { label: 'App', sort: 'app', render: (e) => e.app },
        { label: 'Client IP', sort: 'client_ip', render: (e) => e.client_ip ?? '—' },
        { label: 'Context', render: (e) => <Context event={e} /> },
      ]}
    />
  );
}
