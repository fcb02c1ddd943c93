/** RAC property mappings: static settings merged into the connections of the providers and endpoints using them. */
import { useState } from 'preact/hooks';
import { TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { ListPage } from '../../components/list-page.tsx';
import { saveTo } from '../../lib/api.ts';
import type { RacPropertyMapping } from '../../lib/types.ts';
import { parseSettingsText, SettingsField, settingsText } from './rac-settings-field.tsx';

function MappingModal(props: { existing?: RacPropertyMapping; onClose: () => void; onSaved: () => void }) {
  const e = props.existing;
  const [name, setName] = useState(e?.name ?? '');
  const [settings, setSettings] = useState(settingsText(e?.static_settings));
  const submission = useSubmission(async () => {
    const parsed = parseSettingsText(settings);
    if ('problem' in parsed) return submission.showErrors({ static_settings: [parsed.problem] });
    const body = { name, static_settings: parsed.settings };
    await saveTo('/propertymappings/provider/rac/', e?.pk, body);
    props.onSaved();
  });
  return (
    <FormModal
      noun="RAC property mapping"
      editing={e?.name}
      submission={submission}
      shown={['name', 'static_settings']}
      onClose={props.onClose}
      wide
    >
      <TextField
        name="name"
        label="Name"
        required
        value={name}
        errors={submission.errors}
        onInput={setName}
      />
      <SettingsField
        name="static_settings"
        label="Static settings"
        value={settings}
        onInput={setSettings}
        errors={submission.errors}
      />
    </FormModal>
  );
}

/** Every RAC property mapping, created, edited and deleted here. */
export function RacPropertyMappingsPage() {
  return (
    <ListPage<RacPropertyMapping>
      path="/propertymappings/provider/rac/"
      noun="RAC property mappings"
      ordering="name"
      rowKey={(m) => m.pk}
      rowName={(m) => m.name}
      creates={[{ label: 'Create RAC property mapping' }]}
      deletePath={(m) => `/propertymappings/provider/rac/${m.pk}/`}
      form={({ row }, done) => <MappingModal existing={row} {...done} />}
      columns={[
        { label: 'Name', sort: 'name', render: (m) => m.name },
        { label: 'Settings', render: (m) => <code>{Object.keys(m.static_settings).join(', ') || '—'}</code> },
      ]}
    />
  );
}
