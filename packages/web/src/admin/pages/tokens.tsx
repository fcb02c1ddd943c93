/** Directory → Tokens: the list, the create/edit form, and the new token's key, shown once. */
import { useEffect, useState } from 'preact/hooks';
import { bindDraft, CheckboxField, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { dateTime, type FormDone, ListPage } from '../../components/list-page.tsx';
import { Modal } from '../../components/modal.tsx';
import { api } from '../../lib/api.ts';
import { draftOf } from '../../lib/draft.ts';
import { useAll, useGet } from '../../lib/use-api.ts';
import type { Token, User } from '../../lib/types.ts';

const EMPTY = {
  identifier: '',
  user: '',
  intent: 'api' as Token['intent'],
  description: '',
  expiring: true,
  expires: '',
};
type Draft = typeof EMPTY;

/** An ISO timestamp as a datetime-local input shows it (local time, to the minute), and back. */
const toLocalInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : null);

function draftOfToken(t: Token | undefined): Draft {
  const draft = draftOf(EMPTY, t);
  return t ? { ...draft, user: String(t.user), expires: toLocalInput(t.expires) } : draft;
}

/** The key of a token just created: read once from view_key, to copy now. */
function NewKey(props: { identifier: string; onClose: () => void }) {
  const view = useGet<{ key: string }>(`/core/tokens/${props.identifier}/view_key/`);
  const key = view.data?.key;
  const error = view.error?.message;
  return (
    <Modal title={`Token ${props.identifier} created`} onClose={props.onClose}>
      <p>Copy the key now: it is a secret, and this page does not show it again.</p>
      {error && (
        <p class="form-error" role="alert">
          Could not read the key: {error}
        </p>
      )}
      <pre class="snippet" tabIndex={0} aria-label="Token key">
        <code>{key ?? '…'}</code>
      </pre>
      <div class="form-actions">
        <button
          type="button"
          class="secondary"
          onClick={() => key && void navigator.clipboard?.writeText(key)}
        >
          Copy key
        </button>
        <button type="button" onClick={props.onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

function TokenModal(props: { existing?: Token } & FormDone) {
  const e = props.existing;
  const [draft, setDraft] = useState(draftOfToken(e));
  const [created, setCreated] = useState<string>();
  const users = useAll<User>('/core/users/');
  // Propose the first user (the admin at first) until one is picked, as an update of the current draft.
  const firstUser = users[0] ? String(users[0].pk) : '';
  useEffect(() => {
    if (firstUser) setDraft((c) => ({ ...c, user: c.user || firstUser }));
  }, [firstUser]);
  const submission = useSubmission(async () => {
    const body = {
      ...draft,
      user: Number(draft.user),
      expires: draft.expiring ? fromLocalInput(draft.expires) : null,
    };
    if (e) {
      await api('PUT', `/core/tokens/${e.identifier}/`, body);
      props.onSaved();
    } else {
      setCreated((await api<Token>('POST', '/core/tokens/', body)).identifier);
    }
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  if (created) return <NewKey identifier={created} onClose={props.onSaved} />;
  return (
    <FormModal
      noun="token"
      editing={e?.identifier}
      submission={submission}
      shown={Object.keys(EMPTY)}
      onClose={props.onClose}
    >
      <TextField
        {...f.text('identifier')}
        label="Identifier"
        required
        hint="Letters, digits, - and _; names the token in the API's URLs."
      />
      <SelectField
        {...f.select('user')}
        label="User"
        required
        options={users.map((u): [string, string] => [String(u.pk), u.username])}
      />
      <SelectField
        {...f.select('intent')}
        label="Intent"
        options={[
          ['api', 'API token'],
          ['app_password', 'App password'],
        ]}
      />
      <TextField {...f.text('description')} label="Description" />
      <CheckboxField {...f.check('expiring')} label="Expires" />
      {draft.expiring && (
        <TextField
          {...f.text('expires')}
          label="Expiry date"
          type="datetime-local"
          hint="Empty: in 30 minutes, as the reference sets it."
        />
      )}
      {/* The two defaults differ on purpose (docs/api.md, "Token expiry"): say so where the token is made. */}
      <p class="hint" id="token-expiry-default">
        {draft.expiring
          ? 'This token expires: 30 minutes after it is created unless you choose a date. Untick "Expires" for a token that never expires.'
          : 'This token never expires: revoke it by deleting it.'}{' '}
        Tokens from <code>palisade token create</code> never expire unless given <code>--expires</code>.
      </p>
    </FormModal>
  );
}

/** API tokens, app passwords and the outposts' tokens (managed ones are the core's own: not edited here). */
export function TokensPage() {
  return (
    <ListPage<Token>
      path="/core/tokens/"
      noun="tokens"
      ordering="identifier"
      rowKey={(t) => t.pk}
      rowName={(t) => t.identifier}
      form={({ row }, done) => <TokenModal existing={row} {...done} />}
      editable={(t) => !t.managed}
      deletePath={(t) => (t.managed ? undefined : `/core/tokens/${t.identifier}/`)}
      columns={[
        { label: 'Identifier', sort: 'identifier', render: (t) => <code>{t.identifier}</code> },
        { label: 'User', render: (t) => t.user_obj.username },
        { label: 'Intent', sort: 'intent', render: (t) => t.intent },
        { label: 'Expires', sort: 'expires', render: (t) => (t.expiring ? dateTime(t.expires) : 'Never') },
        { label: 'Description', render: (t) => t.description || '—' },
      ]}
    />
  );
}
