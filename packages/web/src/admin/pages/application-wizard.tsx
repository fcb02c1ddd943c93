import { useState } from 'preact/hooks';
import { bindDraft, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { api } from '../../lib/api.ts';
import { draftOf } from '../../lib/draft.ts';
import { useAll } from '../../lib/use-api.ts';
import type { Application, Provider, ProxyProvider } from '../../lib/types.ts';
import { emptyProxyDraft, PROXY_FIELDS, proxyBody, ProxyProviderFields } from './proxy-provider-form.tsx';

/** The reference's slug rule: lower case, hyphens for anything else. */
function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
}

const EMPTY_APP = { name: '', slug: '', meta_launch_url: '', meta_description: '', meta_publisher: '' };
type AppDraft = typeof EMPTY_APP;
const shown = [...Object.keys(EMPTY_APP), 'provider', ...PROXY_FIELDS.map((k) => `provider_${k}`)];

/**
 * Creates an application, or edits `existing`. Its provider can be an existing one or a new proxy provider
 * made in the same step: the provider is created first, and removed again if the application then fails.
 */
export function ApplicationModal(props: {
  existing?: Application;
  onClose: () => void;
  onSaved: () => void;
}) {
  const e = props.existing;
  const [app, setApp] = useState(draftOf(EMPTY_APP, e));
  const [slugEdited, setSlugEdited] = useState(Boolean(e));
  const [choice, setChoice] = useState<'none' | 'existing' | 'new'>(e?.provider ? 'existing' : 'new');
  const [providerPk, setProviderPk] = useState(e?.provider ? String(e.provider) : '');
  const [draft, setDraft] = useState(emptyProxyDraft());
  const providers = useAll<Provider>('/providers/all/');
  const free = providers.filter((p) => !p.assigned_application_slug || p.pk === e?.provider);
  // The slug follows the name until the user edits it.
  const onAppChange = (update: (current: AppDraft) => AppDraft) =>
    setApp((current) => {
      const next = update(current);
      return !slugEdited && next.name !== current.name ? { ...next, slug: slugOf(next.name) } : next;
    });

  const submission = useSubmission(async () => {
    let created: ProxyProvider | undefined;
    if (choice === 'new') {
      try {
        const body = proxyBody({ ...draft, name: draft.name || `Provider for ${app.name}` });
        created = await api<ProxyProvider>('POST', '/providers/proxy/', body);
      } catch (error) {
        submission.fail(error, 'provider_');
        return;
      }
    }
    const provider =
      choice === 'new'
        ? (created?.pk ?? null)
        : choice === 'existing' && providerPk
          ? Number(providerPk)
          : null;
    const body = { ...app, provider };
    try {
      await (e
        ? api('PUT', `/core/applications/${e.slug}/`, body)
        : api('POST', '/core/applications/', body));
    } catch (error) {
      // The provider was made for this application only: do not leave it behind.
      if (created) await api('DELETE', `/providers/proxy/${created.pk}/`).catch(() => undefined);
      throw error;
    }
    props.onSaved();
  });
  const f = bindDraft(app, onAppChange, submission.errors);
  const errors = submission.errors;

  return (
    <FormModal
      noun="application"
      editing={e?.name}
      submission={submission}
      shown={shown}
      onClose={props.onClose}
      wide
    >
      <TextField {...f.text('name')} label="Name" required />
      <TextField
        {...f.text('slug')}
        label="Slug"
        required
        hint="Used in URLs; letters, digits, - and _."
        onInput={(v) => {
          setSlugEdited(true);
          f.set('slug')(v);
        }}
      />
      <TextField
        {...f.text('meta_launch_url')}
        label="Launch URL"
        type="url"
        hint="Where the user interface sends users (empty: the provider's URL)."
      />
      <TextField {...f.text('meta_description')} label="Description" />
      <TextField {...f.text('meta_publisher')} label="Publisher" />
      <fieldset class="provider-choice">
        <legend>Provider</legend>
        {(
          [
            ['new', 'Create a new proxy provider'],
            ['existing', 'Use an existing provider'],
            ['none', 'No provider'],
          ] as const
        ).map(([value, label]) => (
          <div class="radio" key={value}>
            <input
              type="radio"
              id={`field-provider-choice-${value}`}
              name="provider_choice"
              checked={choice === value}
              onChange={() => setChoice(value)}
            />
            <label for={`field-provider-choice-${value}`}>{label}</label>
          </div>
        ))}
        {choice === 'existing' && (
          <SelectField
            name="provider"
            label="Existing provider"
            value={providerPk}
            errors={errors}
            onChange={setProviderPk}
            options={[
              ['', 'Choose a provider'],
              ...free.map((p): [string, string] => [String(p.pk), `${p.name} (${p.verbose_name})`]),
            ]}
          />
        )}
        {choice === 'new' && (
          <ProxyProviderFields draft={draft} onChange={setDraft} errors={errors} prefix="provider_" />
        )}
        {choice !== 'existing' && errors.provider && (
          <p class="field-error" role="alert">
            {errors.provider.join(' ')}
          </p>
        )}
      </fieldset>
    </FormModal>
  );
}
