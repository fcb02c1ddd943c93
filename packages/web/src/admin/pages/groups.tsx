/** Directory → Groups: the list, and the create/edit form (superuser flag, parents, members). */
import { useState } from 'preact/hooks';
import { bindDraft, CheckboxField, ChecklistField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { type FormDone, ListPage, yesNo } from '../../components/list-page.tsx';
import { api } from '../../lib/api.ts';
import { draftOf } from '../../lib/draft.ts';
import { useAll } from '../../lib/use-api.ts';
import type { Group, User } from '../../lib/types.ts';

const EMPTY = { name: '', is_superuser: false, parents: [] as string[], users: [] as number[] };

function GroupModal(props: { existing?: Group } & FormDone) {
  const e = props.existing;
  const [draft, setDraft] = useState(draftOf(EMPTY, e));
  const groups = useAll<Group>('/core/groups/').filter((g) => g.pk !== e?.pk);
  const users = useAll<User>('/core/users/');
  const submission = useSubmission(async () => {
    await (e ? api('PUT', `/core/groups/${e.pk}/`, draft) : api('POST', '/core/groups/', draft));
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="group"
      editing={e?.name}
      submission={submission}
      shown={Object.keys(EMPTY)}
      onClose={props.onClose}
    >
      <TextField {...f.text('name')} label="Name" required />
      <CheckboxField
        {...f.check('is_superuser')}
        label="Superuser (members may use the admin interface and API)"
      />
      <ChecklistField
        {...f.list('parents')}
        label="Parent groups"
        options={groups.map((g): [string, string] => [g.pk, g.name])}
      />
      <ChecklistField
        {...f.list('users')}
        label="Members"
        options={users.map((u): [number, string] => [
          u.pk,
          u.name ? `${u.username} (${u.name})` : u.username,
        ])}
      />
    </FormModal>
  );
}

/** Groups. */
export function GroupsPage() {
  return (
    <ListPage<Group>
      path="/core/groups/"
      noun="groups"
      ordering="name"
      rowKey={(g) => g.pk}
      rowName={(g) => g.name}
      form={({ row }, done) => <GroupModal existing={row} {...done} />}
      deletePath={(g) => `/core/groups/${g.pk}/`}
      columns={[
        { label: 'Name', sort: 'name', render: (g) => g.name },
        { label: 'Parents', render: (g) => g.parents_obj?.map((p) => p.name).join(', ') || '—' },
        { label: 'Members', render: (g) => g.users?.length ?? 0 },
        { label: 'Superuser', sort: 'is_superuser', render: (g) => yesNo(g.is_superuser) },
      ]}
    />
  );
}
