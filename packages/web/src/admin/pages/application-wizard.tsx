import { useState } from 'preact/hooks';
import { FormErrors, SelectField, TextField } from '../../components/fields.tsx';
import { Modal } from '../../components/modal.tsx';
import { api, ApiError, type FieldErrors } from '../../lib/api.ts';
import { useAll } from '../../lib/use-api.ts';
import type { Application, Provider, ProxyProvider } from '../../lib/types.ts';
import { emptyProxyDraft, prefixed, proxyBody, ProxyProviderFields } from './proxy-provider-form.tsx';

/** The reference's slug rule: lower case, hyphens for anything else. */
function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
}

const APP_FIELDS = ['name', 'slug', 'provider', 'meta_launch_url', 'meta_description', 'meta_publisher'];

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
  const [app, setApp] = useState({
    name: e?.name ?? '',
    slug: e?.slug ?? '',
    meta_launch_url: e?.meta_launch_url ?? '',
    meta_description: e?.meta_description ?? '',
    meta_publisher: e?.meta_publisher ?? '',
  });
  const [slugEdited, setSlugEdited] = useState(Boolean(e));
  const [choice, setChoice] = useState<'none' | 'existing' | 'new'>(e?.provider ? 'existing' : 'new');
  const [providerPk, setProviderPk] = useState(e?.provider ? String(e.provider) : '');
  const [draft, setDraft] = useState(emptyProxyDraft());
  const [errors, setErrors] = useState<FieldErrors>({});
  const [detail, setDetail] = useState<string>();
  const [busy, setBusy] = useState(false);
  const providers = useAll<Provider>('/providers/all/');
  const free = providers.filter((p) => !p.assigned_application_slug || p.pk === e?.provider);
  const setField = (key: keyof typeof app) => (value: string) =>
    setApp((a) => ({
      ...a,
      [key]: value,
      ...(key === 'name' && !slugEdited ? { slug: slugOf(value) } : {}),
    }));

  const fail = (error: unknown, prefix = '') => {
    setErrors(error instanceof ApiError ? prefixed(error.fieldErrors, prefix) : {});
    setDetail(error instanceof ApiError && error.status === 400 ? undefined : (error as Error).message);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    let created: ProxyProvider | undefined;
    try {
      if (choice === 'new') {
        try {
          created = await api<ProxyProvider>(
            'POST',
            '/providers/proxy/',
            proxyBody({ ...draft, name: draft.name || `Provider for ${app.name}` }),
          );
        } catch (error) {
          fail(error, 'provider_');
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
      await (e
        ? api('PUT', `/core/applications/${e.slug}/`, body)
        : api('POST', '/core/applications/', body));
      props.onSaved();
    } catch (error) {
      // The provider was made for this application only: do not leave it behind.
      if (created) await api('DELETE', `/providers/proxy/${created.pk}/`).catch(() => undefined);
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const shown = [...APP_FIELDS, ...Object.keys(emptyProxyDraft()).map((k) => `provider_${k}`)];
  return (
    <Modal title={e ? `Update ${e.name}` : 'Create application'} onClose={props.onClose} wide>
      <form onSubmit={save} noValidate>
        <FormErrors errors={errors} shown={shown} detail={detail} />
        <TextField
          name="name"
          label="Name"
          required
          value={app.name}
          errors={errors}
          onInput={setField('name')}
        />
        <TextField
          name="slug"
          label="Slug"
          required
          hint="Used in URLs; letters, digits, - and _."
          value={app.slug}
          errors={errors}
          onInput={(v) => {
            setSlugEdited(true);
            setField('slug')(v);
          }}
        />
        <TextField
          name="meta_launch_url"
          label="Launch URL"
          type="url"
          hint="Where the user interface sends users (empty: the provider's URL)."
          value={app.meta_launch_url}
          errors={errors}
          onInput={setField('meta_launch_url')}
        />
        <TextField
          name="meta_description"
          label="Description"
          value={app.meta_description}
          errors={errors}
          onInput={setField('meta_description')}
        />
        <TextField
          name="meta_publisher"
          label="Publisher"
          value={app.meta_publisher}
          errors={errors}
          onInput={setField('meta_publisher')}
        />
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
        <div class="form-actions">
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            {e ? 'Update' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
