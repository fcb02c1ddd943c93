/** RADIUS property mappings: fixed attributes added to the Access-Accepts of the providers using them. */
import { useState } from 'preact/hooks';
import { TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { ListPage } from '../../components/list-page.tsx';
import { saveTo } from '../../lib/api.ts';
import type { RadiusPropertyMapping } from '../../lib/types.ts';
import { type AttributeRow, emptyRow, entriesOf, rowsOf } from '../radius-attribute-rows.ts';
import { RadiusAttributesField } from './radius-attributes-field.tsx';

const PATH = '/propertymappings/provider/radius/';

function MappingModal(props: { existing?: RadiusPropertyMapping; onClose: () => void; onSaved: () => void }) {
  const e = props.existing;
  const [name, setName] = useState(e?.name ?? '');
  const [rows, setRows] = useState<AttributeRow[]>(e ? rowsOf(e.attributes) : [emptyRow()]);
  const submission = useSubmission(async () => {
    const checked = entriesOf(rows);
    if ('problems' in checked) return submission.showErrors(checked.problems);
    const body = { name, attributes: checked.entries };
    await saveTo(PATH, e?.pk, body);
    props.onSaved();
  });
  return (
    <FormModal
      noun="RADIUS property mapping"
      editing={e?.name}
      submission={submission}
      shown={['name', 'attributes']}
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
      <RadiusAttributesField rows={rows} onChange={setRows} errors={submission.errors} />
    </FormModal>
  );
}

/** Every RADIUS property mapping, created, edited and deleted here (deleting unlinks it from providers). */
export function RadiusPropertyMappingsPage() {
  return (
    <ListPage<RadiusPropertyMapping>
      path={PATH}
      noun="RADIUS property mappings"
      ordering="name"
      rowKey={(m) => m.pk}
      rowName={(m) => m.name}
      creates={[{ label: 'Create RADIUS property mapping' }]}
      deletePath={(m) => (m.managed ? undefined : `${PATH}${m.pk}/`)}
      form={({ row }, done) => <MappingModal existing={row} {...done} />}
      columns={[
        { label: 'Name', sort: 'name', render: (m) => m.name },
        {
          label: 'Attributes',
          render: (m) => <pre class="expression">{m.expression}</pre>,
        },
      ]}
    />
  );
}
