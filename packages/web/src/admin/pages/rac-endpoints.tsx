/** RAC endpoints: the hosts RAC providers open, each launched from the user interface. */
import { useState } from 'preact/hooks';
import { bindDraft, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { ListPage } from '../../components/list-page.tsx';
import { api } from '../../lib/api.ts';
import { draftOf } from '../../lib/draft.ts';
import { useAll } from '../../lib/use-api.ts';
import type { RacEndpoint, RacProvider } from '../../lib/types.ts';
import { ConnectionFields, parseSettingsText, settingsText } from './rac-settings-field.tsx';

const EMPTY = {
  name: '',
  provider: '',
  protocol: 'vnc' as RacEndpoint['protocol'],
  host: '',
  auth_mode: 'static' as RacEndpoint['auth_mode'],
  maximum_connections: '1',
  property_mappings: [] as string[],
  settings: '{}',
};
type Draft = typeof EMPTY;

function EndpointModal(props: { existing?: RacEndpoint; onClose: () => void; onSaved: () => void }) {
  const e = props.existing;
  const [draft, setDraft] = useState<Draft>({
    ...draftOf(EMPTY, e),
    provider: e ? String(e.provider) : '',
    maximum_connections: String(e?.maximum_connections ?? 1),
    settings: settingsText(e?.settings),
  });
  const providers = useAll<RacProvider>('/providers/rac/');
  const submission = useSubmission(async () => {
    const parsed = parseSettingsText(draft.settings);
    if ('problem' in parsed) return submission.showErrors({ settings: [parsed.problem] });
    const maximum = Number(draft.maximum_connections);
    if (!Number.isInteger(maximum) || maximum < -1)
      return submission.showErrors({ maximum_connections: ['A whole number, -1 for no limit.'] });
    const body = {
      ...draft,
      provider: Number(draft.provider),
      maximum_connections: maximum,
      settings: parsed.settings,
    };
    if (e) await api('PUT', `/rac/endpoints/${e.pk}/`, body);
    else await api('POST', '/rac/endpoints/', body);
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="RAC endpoint"
      editing={e?.name}
      submission={submission}
      shown={Object.keys(EMPTY)}
      onClose={props.onClose}
      wide
    >
      <TextField {...f.text('name')} label="Name" required />
      <SelectField
        {...f.select('provider')}
        label="Provider"
        required
        options={[
          ['', 'Choose a provider'],
          ...providers.map((p): [string, string] => [String(p.pk), p.name]),
        ]}
      />
      <SelectField
        {...f.select('protocol')}
        label="Protocol"
        options={[
          ['vnc', 'VNC (remote desktop)'],
          ['ssh', 'SSH (terminal)'],
          ['rdp', 'RDP (needs guacd: not served by Palisade’s outpost)'],
        ]}
      />
      <TextField
        {...f.text('host')}
        label="Host"
        required
        placeholder="desktop.internal:5901"
        hint="Host name or address, with :port when it is not the protocol's default."
      />
      <TextField
        {...f.text('maximum_connections')}
        label="Maximum connections"
        type="number"
        hint="How many live connections the endpoint allows at once; -1 for no limit."
      />
      <ConnectionFields
        draft={draft}
        onChange={setDraft}
        errors={submission.errors}
        settingsLabel="Settings"
      />
    </FormModal>
  );
}

/** Every RAC endpoint (the admin's full list), created, edited and deleted here. */
export function RacEndpointsPage() {
  return (
    <ListPage<RacEndpoint>
      path="/rac/endpoints/"
      extra={{ superuser_full_list: true }}
      noun="RAC endpoints"
      ordering="name"
      rowKey={(e) => e.pk}
      rowName={(e) => e.name}
      creates={[{ label: 'Create RAC endpoint' }]}
      deletePath={(e) => `/rac/endpoints/${e.pk}/`}
      form={({ row }, done) => <EndpointModal existing={row} {...done} />}
      columns={[
        { label: 'Name', sort: 'name', render: (e) => e.name },
        { label: 'Protocol', sort: 'protocol', render: (e) => e.protocol.toUpperCase() },
        { label: 'Host', sort: 'host', render: (e) => <code>{e.host}</code> },
        { label: 'Provider', render: (e) => e.provider_obj.name },
        {
          label: 'Connections',
          render: (e) => (e.maximum_connections === -1 ? 'No limit' : String(e.maximum_connections)),
        },
        {
          label: 'Launch URL',
          render: (e) =>
            e.launch_url ? (
              <code>{e.launch_url}</code>
            ) : (
              <span class="warning">Provider has no application</span>
            ),
        },
      ]}
    />
  );
}
