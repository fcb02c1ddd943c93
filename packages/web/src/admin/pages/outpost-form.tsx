import { useEffect, useState } from 'preact/hooks';
import { BrowserUrlWarning } from '../../components/browser-url-warning.tsx';
import { ChecklistField, SelectField, TextArea, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { api } from '../../lib/api.ts';
import { typedAuthentikHost } from '../../lib/browser-url.ts';
import { orNull } from '../../lib/draft.ts';
import { useAll, useGet } from '../../lib/use-api.ts';
import type { Outpost, Provider, ServiceConnection } from '../../lib/types.ts';

/** The provider form component of the kind each outpost type serves (as /providers/all/ names them). */
const PROVIDER_COMPONENT: Record<string, string> = {
  proxy: 'ak-provider-proxy-form',
  ldap: 'ak-provider-ldap-form',
  radius: 'ak-provider-radius-form',
  rac: 'ak-provider-rac-form',
};

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
  const [connection, setConnection] = useState(existing?.service_connection ?? '');
  const defaults = useGet<{ config: Record<string, unknown> }>(
    existing ? null : '/outposts/instances/default_settings/',
  ).data;
  const allProviders = useAll<Provider>('/providers/all/');
  const connections = useAll<ServiceConnection>('/outposts/service_connections/all/');
  // Prefill the editor: an outpost's own settings, or every key's default for a new one.
  useEffect(() => {
    const config = existing?.config ?? defaults?.config;
    if (config)
      void settingsModule().then((m) => setSettings((current) => current ?? m.settingsYaml(config)));
  }, [defaults]);
  // Only providers that serve an application reach outposts, so the list offers applications.
  const typeLabel = TYPES.find(([t]) => t === type)?.[1] ?? type;
  const offered = allProviders.filter(
    (p) => p.component === PROVIDER_COMPONENT[type] && p.assigned_application_slug,
  );

  const submission = useSubmission(async () => {
    const { parseSettings } = await settingsModule();
    const parsed = parseSettings(settings ?? '');
    if (parsed.problems) {
      submission.showErrors({ config: parsed.problems });
      document.getElementById('field-config')?.focus();
      return;
    }
    const body = { name, type, providers, config: parsed.config, service_connection: orNull(connection) };
    const saved = existing
      ? await api<Outpost>('PUT', `/outposts/instances/${existing.pk}/`, body)
      : await api<Outpost>('POST', '/outposts/instances/', body);
    props.onSaved(saved);
  });
  const errors = submission.errors;

  return (
    <FormModal
      noun="outpost"
      editing={existing?.name}
      submission={submission}
      shown={['name', 'type', 'providers', 'config', 'service_connection']}
      onClose={props.onClose}
      notReady={settings === undefined}
      wide
    >
      <TextField
        name="name"
        label="Name"
        required
        value={name}
        errors={errors}
        onInput={setName}
        // The core refuses to rename a managed outpost (the embedded one): do not offer it.
        readOnly={Boolean(existing?.managed)}
        hint={existing?.managed ? 'Managed by Palisade: the name cannot be changed.' : undefined}
      />
      {type === 'proxy' && settings !== undefined && (
        <BrowserUrlWarning
          authentikHost={typedAuthentikHost(settings)}
          outpostName={name || 'This outpost'}
        />
      )}
      <SelectField
        name="type"
        label="Type"
        required
        value={type}
        errors={errors}
        onChange={(next) => {
          setType(next);
          // Applications of the old type are no longer listed, so they must not stay chosen unseen.
          setProviders((chosen) =>
            chosen.filter(
              (pk) => allProviders.find((p) => p.pk === pk)?.component === PROVIDER_COMPONENT[next],
            ),
          );
        }}
        options={TYPES}
        disabled={Boolean(existing?.managed)}
      />
      <SelectField
        name="service_connection"
        label="Integration"
        value={connection}
        errors={errors}
        onChange={setConnection}
        options={[
          ['', 'None: deploy it yourself (View deployment info)'],
          ...connections.map((c): [string, string] => [c.pk, `${c.name} (${c.verbose_name})`]),
        ]}
        hint="Palisade deploys and updates the outpost through a Docker or Kubernetes integration (System → Outpost Integrations)."
      />
      <ChecklistField
        name="providers"
        label="Applications"
        value={providers}
        errors={errors}
        onChange={setProviders}
        options={offered.map((p) => [
          p.pk,
          <>
            {p.assigned_application_name} <span class="hint">({p.name})</span>
          </>,
        ])}
        hint={
          offered.length === 0 ? `No application with a provider of this type (${typeLabel}) yet.` : undefined
        }
      />
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
    </FormModal>
  );
}
