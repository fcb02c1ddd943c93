/** Directory → Users: the list, and the create/edit form (with an optional new password). */
import { useState } from 'preact/hooks';
import {
  bindDraft,
  CheckboxField,
  ChecklistField,
  SelectField,
  TextField,
} from '../../components/fields.tsx';
import { DeviceList } from '../../components/device-list.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { dateTime, type FormDone, ListPage, yesNo } from '../../components/list-page.tsx';
import { Modal } from '../../components/modal.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { draftOf } from '../../lib/draft.ts';
import { useAll } from '../../lib/use-api.ts';
import type { Group, User } from '../../lib/types.ts';

const EMPTY = {
  username: '',
  name: '',
  email: '',
  type: 'internal' as User['type'],
  is_active: true,
  path: 'users',
  groups: [] as string[],
};

const TYPES: Array<[User['type'], string]> = [
  ['internal', 'Internal'],
  ['external', 'External'],
  ['service_account', 'Service account'],
];

/**
 * Creates a user or edits `existing`. A password, when given, is set after the user is saved; if that
 * fails the form stays open on the saved user, so trying again does not create it twice.
 */
function UserModal(props: { existing?: User } & FormDone) {
  const [saved, setSaved] = useState(props.existing);
  const [draft, setDraft] = useState(draftOf(EMPTY, props.existing));
  const [password, setPassword] = useState('');
  const groups = useAll<Group>('/core/groups/');
  const submission = useSubmission(async () => {
    const user = saved
      ? await api<User>('PUT', `/core/users/${saved.pk}/`, draft)
      : await api<User>('POST', '/core/users/', draft);
    setSaved(user);
    if (password) {
      try {
        await api('POST', `/core/users/${user.pk}/set_password/`, { password });
      } catch (error) {
        // The server names the body's field `password` already; a 4xx without fields goes there too.
        if (error instanceof ApiError && !error.fieldErrors.password) {
          submission.showErrors({ password: [error.message] });
          return;
        }
        throw error;
      }
    }
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="user"
      editing={saved?.username}
      submission={submission}
      shown={[...Object.keys(EMPTY), 'password']}
      onClose={props.onClose}
    >
      <TextField {...f.text('username')} label="Username" required />
      <TextField {...f.text('name')} label="Display name" />
      <TextField {...f.text('email')} label="Email" type="email" />
      <SelectField {...f.select('type')} label="Type" options={TYPES} />
      <CheckboxField {...f.check('is_active')} label="Active (may sign in)" />
      <TextField {...f.text('path')} label="Path" hint="Where the user sits in the directory, e.g. users." />
      <ChecklistField
        {...f.list('groups')}
        label="Groups"
        options={groups.map((g): [string, string] => [g.pk, g.name])}
      />
      <TextField
        name="password"
        label={saved ? 'New password (empty: unchanged)' : 'Password (empty: none yet)'}
        type="password"
        value={password}
        errors={submission.errors}
        onInput={setPassword}
      />
    </FormModal>
  );
}

/** A user's second-factor devices, which an admin may remove (e.g. for a user who lost their phone). */
function UserDevices(props: { user: User; onClose: () => void }) {
  return (
    <Modal title={`MFA devices of ${props.user.username}`} onClose={props.onClose} wide>
      <DeviceList
        path={`/authenticators/admin/all/?user=${props.user.pk}`}
        deleteBase="/authenticators/admin"
        noun="MFA devices"
      />
      <div class="form-actions">
        <button type="button" onClick={props.onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

/** Users. */
export function UsersPage() {
  const [devicesOf, setDevicesOf] = useState<User>();
  return (
    <>
      <ListPage<User>
        path="/core/users/"
        noun="users"
        ordering="username"
        rowKey={(u) => u.pk}
        rowName={(u) => u.username}
        form={({ row }, done) => <UserModal existing={row} {...done} />}
        deletePath={(u) => `/core/users/${u.pk}/`}
        rowActions={(u) => (
          <button
            type="button"
            class="secondary"
            aria-label={`MFA devices of ${u.username}`}
            onClick={() => setDevicesOf(u)}
          >
            MFA devices
          </button>
        )}
        columns={[
          { label: 'Username', sort: 'username', render: (u) => u.username },
          { label: 'Name', sort: 'name', render: (u) => u.name },
          { label: 'Email', sort: 'email', render: (u) => u.email || '—' },
          { label: 'Type', render: (u) => u.type },
          { label: 'Active', sort: 'is_active', render: (u) => yesNo(u.is_active) },
          { label: 'Last login', sort: 'last_login', render: (u) => dateTime(u.last_login) },
        ]}
      />
      {devicesOf && <UserDevices user={devicesOf} onClose={() => setDevicesOf(undefined)} />}
    </>
  );
}
