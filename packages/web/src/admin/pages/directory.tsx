/** The Directory screens (users, groups, tokens) and the flows: lists with search, sorting and pages. */
import { type Column, DataTable } from '../../components/data-table.tsx';
import { useList } from '../../lib/use-api.ts';
import type { Flow, Group, Token, User } from '../../lib/types.ts';

/** A read-only list screen over one API list. */
function ListScreen<T>(props: {
  path: string;
  noun: string;
  ordering: string;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  extra?: Record<string, string | boolean>;
}) {
  const list = useList<T>(props.path, props.ordering, props.extra);
  return (
    <DataTable
      noun={props.noun}
      columns={props.columns}
      rowKey={props.rowKey}
      page={list.data}
      error={list.error}
      loading={list.loading}
      state={list.state}
      setState={list.setState}
    />
  );
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');
const date = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : '—');

/** Users. */
export function UsersPage() {
  return (
    <ListScreen<User>
      path="/core/users/"
      noun="users"
      ordering="username"
      rowKey={(u) => u.pk}
      columns={[
        { label: 'Username', sort: 'username', render: (u) => u.username },
        { label: 'Name', sort: 'name', render: (u) => u.name },
        { label: 'Email', sort: 'email', render: (u) => u.email || '—' },
        { label: 'Type', render: (u) => u.type },
        { label: 'Active', sort: 'is_active', render: (u) => yesNo(u.is_active) },
        { label: 'Last login', sort: 'last_login', render: (u) => date(u.last_login) },
      ]}
    />
  );
}

/** Groups. */
export function GroupsPage() {
  return (
    <ListScreen<Group>
      path="/core/groups/"
      noun="groups"
      ordering="name"
      rowKey={(g) => g.pk}
      columns={[
        { label: 'Name', sort: 'name', render: (g) => g.name },
        { label: 'Parents', render: (g) => g.parents_obj?.map((p) => p.name).join(', ') || '—' },
        { label: 'Members', render: (g) => g.users?.length ?? 0 },
        { label: 'Superuser', sort: 'is_superuser', render: (g) => yesNo(g.is_superuser) },
      ]}
    />
  );
}

/** API tokens, app passwords and the outposts' tokens (their keys are shown only on demand, elsewhere). */
export function TokensPage() {
  return (
    <ListScreen<Token>
      path="/core/tokens/"
      noun="tokens"
      ordering="identifier"
      rowKey={(t) => t.pk}
      columns={[
        { label: 'Identifier', sort: 'identifier', render: (t) => <code>{t.identifier}</code> },
        { label: 'User', render: (t) => t.user_obj.username },
        { label: 'Intent', sort: 'intent', render: (t) => t.intent },
        { label: 'Expires', sort: 'expires', render: (t) => (t.expiring ? date(t.expires) : 'Never') },
        { label: 'Description', render: (t) => t.description || '—' },
      ]}
    />
  );
}

/** Flows (built in; they have no editing API yet). */
export function FlowsPage() {
  return (
    <ListScreen<Flow>
      path="/flows/instances/"
      noun="flows"
      ordering="slug"
      rowKey={(f) => f.pk}
      columns={[
        { label: 'Name', sort: 'name', render: (f) => f.name },
        { label: 'Slug', sort: 'slug', render: (f) => <code>{f.slug}</code> },
        { label: 'Designation', sort: 'designation', render: (f) => f.designation },
        { label: 'Title', render: (f) => f.title },
      ]}
    />
  );
}
