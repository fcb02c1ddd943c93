import { useEffect, useState } from 'preact/hooks';
import { FormErrors, SelectField, TextArea, TextField } from '../../components/fields.tsx';
import { Modal } from '../../components/modal.tsx';
import { api, ApiError, type FieldErrors } from '../../lib/api.ts';
import { useAll, useGet } from '../../lib/use-api.ts';
import type { Outpost, ProxyProvider } from '../../lib/types.ts';

const TYPES: Array<[string, string]> = [
  ['proxy', 'Proxy'],
  ['ldap', 'LDAP'],
  ['radius', 'Radius'],
  ['rac', 'RAC'],
];

/** The YAML checker and writer, loaded with the form only (the yaml parser is most of its weight). */
const settingsModule = () => import('../outpost-settings.ts');

/** Creates an outpost or edits `existing`: name, type, integration, applications, Advanced settings. */
export function OutpostModal(props: {
  existing?: Outpost;
  onClose: () => void;
  onSaved: (o: Outpost) => void;
}) {
  const existing = props.existing;
  const [name, setName] = useState(existing?.name ?? '');
  const [type, setType] = useState<string>(existing?.type ?? 'proxy');
  const [providers, setProviders] = useState<number[]>(existing?.providers ?? []);
  const [settings, setSettings] = useState<string>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [detail, setDetail] = useState<string>();
  const [busy, setBusy] = useState(false);
  const defaults = useGet<{ config: Record<string, unknown> }>(
    existing ? null : '/outposts/instances/default_settings/',
  ).data;
  const proxyProviders = useAll<ProxyProvider>('/providers/proxy/');
  // Prefill the editor: an outpost's own settings, or every key's default for a new one.
  useEffect(() => {
    const config = existing?.config ?? defaults?.config;
    if (config && settings === undefined)
      void settingsModule().then((m) => setSettings(m.settingsYaml(config)));
  }, [defaults]);
  // Only providers that serve an application reach outposts, so the list offers applications.
  const offered = type === 'proxy' ? proxyProviders.filter((p) => p.assigned_application_slug) : [];
  const toggle = (pk: number, on: boolean) =>
    setProviders(on ? [...providers, pk] : providers.filter((p) => p !== pk));

  const save = async (event: Event) => {
    event.preventDefault();
    const { parseSettings } = await settingsModule();
    const parsed = parseSettings(settings ?? '');
    if (parsed.problems) {
      setErrors({ config: parsed.problems });
      setDetail(undefined);
      document.getElementById('field-config')?.focus();
      return;
    }
    setBusy(true);
    try {
      const body = { name, type, providers, config: parsed.config, service_connection: null };
      const saved = existing
        ? await api<Outpost>('PUT', `/outposts/instances/${existing.pk}/`, body)
        : await api<Outpost>('POST', '/outposts/instances/', body);
      props.onSaved(saved);
    } catch (error) {
      setErrors(error instanceof ApiError ? error.fieldErrors : {});
      setDetail(error instanceof ApiError && error.status === 400 ? undefined : (error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={existing ? `Update ${existing.name}` : 'Create outpost'} onClose={props.onClose} wide>
      <form onSubmit={save} noValidate>
        <FormErrors
          errors={errors}
          shown={['name', 'type', 'providers', 'config', 'service_connection']}
          detail={detail}
        />
        <TextField name="name" label="Name" required value={name} errors={errors} onInput={setName} />
        <SelectField
          name="type"
          label="Type"
          required
          value={type}
          errors={errors}
          onChange={setType}
          options={TYPES}
          disabled={Boolean(existing?.managed)}
        />
        <SelectField
          name="service_connection"
          label="Integration"
          value=""
          errors={errors}
          onChange={() => undefined}
          options={[['', 'None: deploy it yourself (View deployment info)']]}
          hint="Docker and Kubernetes integrations are not available yet."
        />
        <fieldset
          class={`checklist${errors.providers ? ' invalid' : ''}`}
          aria-describedby={errors.providers ? 'error-providers' : undefined}
        >
          <legend>Applications</legend>
          {offered.length === 0 && (
            <p class="hint">
              No {type === 'proxy' ? 'application with a proxy provider' : `${type} provider`} yet.
            </p>
          )}
          {offered.map((p) => (
            <div class="field checkbox" key={p.pk}>
              <input
                type="checkbox"
                id={`field-providers-${p.pk}`}
                checked={providers.includes(p.pk)}
                onChange={(e) => toggle(p.pk, (e.currentTarget as HTMLInputElement).checked)}
              />
              <label for={`field-providers-${p.pk}`}>
                {p.assigned_application_name} <span class="hint">({p.name})</span>
              </label>
            </div>
          ))}
          {errors.providers && (
            <p class="field-error" id="error-providers" role="alert">
              {errors.providers.join(' ')}
            </p>
          )}
        </fieldset>
        <details class="advanced" open={Boolean(errors.config) || undefined}>
          <summary>Advanced settings</summary>
          <TextArea
            name="config"
            label="Configuration (YAML)"
            code
            rows={16}
            errors={errors}
            hint="Every key with its default; see the outposts documentation for what each does."
            value={settings ?? ''}
            onInput={setSettings}
          />
        </details>
        <div class="form-actions">
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy || settings === undefined}>
            {existing ? 'Update' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
