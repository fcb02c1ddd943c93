/** The attribute list of a RADIUS property mapping: one row per attribute, added and removed row by row. */
import { RADIUS_DATA_TYPES } from '@palisade/schema/radius-dictionary';
import { SelectField, TextField } from '../../components/fields.tsx';
import type { FieldErrors } from '../../lib/api.ts';
import {
  type AttributeRow,
  definitionOf,
  DICTIONARY,
  emptyRow,
  messagesByRow,
} from '../radius-attribute-rows.ts';

const NO_ERRORS: FieldErrors = {};

/** What a row's value may be, from the dictionary (the enumerated names, or the data type's form). */
function valueHint(row: AttributeRow): string | undefined {
  const d = definitionOf(row);
  const type = d?.dataType ?? row.data_type;
  if (d?.values) return `A number, or one of ${Object.keys(d.values).join(', ')}.`;
  if (type === 'octets') return 'Bytes in hex, e.g. 0a1b.';
  if (type === 'ipv4addr' || type === 'ipv6addr') return 'An IP address.';
  if (type === 'integer') return 'A whole number.';
  return undefined;
}

/** One row: how the attribute is named, its tag where it takes one, its value, and Remove. */
function AttributeRowFields(props: {
  row: AttributeRow;
  index: number;
  messages: string[];
  onChange: (patch: Partial<AttributeRow>) => void;
  onRemove: () => void;
}) {
  const { row, index: i, messages } = props;
  const id = (part: string) => `attributes-${i}-${part}`;
  const definition = definitionOf(row);
  return (
    <fieldset
      class={`radius-attribute${messages.length ? ' invalid' : ''}`}
      aria-describedby={messages.length ? `error-attributes-${i}` : undefined}
    >
      <legend>Attribute {i + 1}</legend>
      <div class="radius-attribute-fields">
        <SelectField
          name={id('by')}
          label="Given by"
          value={row.by}
          onChange={(by) => props.onChange({ by: by as AttributeRow['by'] })}
          options={[
            ['name', 'Name'],
            ['number', 'Number (any vendor)'],
          ]}
        />
        {row.by === 'name' ? (
          <TextField
            name={id('name')}
            label="Name"
            list="radius-attribute-names"
            placeholder="Tunnel-Type"
            value={row.name}
            onInput={(name) => props.onChange({ name })}
          />
        ) : (
          <>
            <TextField
              name={id('vendor_id')}
              label="Vendor ID"
              placeholder="none"
              value={row.vendor_id}
              onInput={(vendor_id) => props.onChange({ vendor_id })}
            />
            <TextField
              name={id('type')}
              label="Type"
              value={row.type}
              onInput={(type) => props.onChange({ type })}
            />
            <SelectField
              name={id('data_type')}
              label="Data type"
              value={row.data_type}
              onChange={(data_type) => props.onChange({ data_type })}
              options={[
                ['', 'As the dictionary says'],
                ...RADIUS_DATA_TYPES.map((t): [string, string] => [t, t]),
              ]}
            />
          </>
        )}
        {(definition?.tagged || row.tag !== '') && (
          <TextField
            name={id('tag')}
            label="Tag"
            placeholder="0"
            value={row.tag}
            onInput={(tag) => props.onChange({ tag })}
          />
        )}
        <TextField
          name={id('value')}
          label="Value"
          value={row.value}
          errors={NO_ERRORS}
          hint={valueHint(row)}
          onInput={(value) => props.onChange({ value })}
        />
      </div>
      <button
        type="button"
        class="secondary"
        aria-label={`Remove attribute ${i + 1}`}
        onClick={props.onRemove}
      >
        Remove
      </button>
      {messages.length > 0 && (
        <p class="field-error" id={`error-attributes-${i}`} role="alert">
          {messages.join(' ')}
        </p>
      )}
    </fieldset>
  );
}

/** The editor of a mapping's attributes; the API's messages show at the row they name. */
export function RadiusAttributesField(props: {
  rows: AttributeRow[];
  /** An update of the current rows (see bindDraft: never a whole list from this render). */
  onChange: (update: (current: AttributeRow[]) => AttributeRow[]) => void;
  errors: FieldErrors;
}) {
  const { rows: byRow, list } = messagesByRow(props.errors.attributes);
  const change = (i: number, patch: Partial<AttributeRow>) =>
    props.onChange((current) => current.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  return (
    <fieldset
      class={`radius-attributes${list.length ? ' invalid' : ''}`}
      aria-describedby={list.length ? 'error-attributes' : 'hint-attributes'}
    >
      <legend>Attributes</legend>
      <p class="hint" id="hint-attributes">
        Added to each Access-Accept of the providers using this mapping. A VLAN: Tunnel-Type <code>VLAN</code>
        , Tunnel-Medium-Type <code>IEEE-802</code>, Tunnel-Private-Group-Id the VLAN's number.
      </p>
      <datalist id="radius-attribute-names">
        {[...DICTIONARY].map(([name, d]) => (
          <option key={name} value={name}>
            {d.vendor ?? 'RFC'}
          </option>
        ))}
      </datalist>
      {props.rows.map((row, i) => (
        <AttributeRowFields
          key={i}
          row={row}
          index={i}
          messages={byRow.get(i) ?? []}
          onChange={(patch) => change(i, patch)}
          onRemove={() => props.onChange((current) => current.filter((_, j) => j !== i))}
        />
      ))}
      <button
        type="button"
        class="secondary"
        onClick={() => props.onChange((current) => [...current, emptyRow()])}
      >
        Add attribute
      </button>
      {list.length > 0 && (
        <p class="field-error" id="error-attributes" role="alert">
          {list.join(' ')}
        </p>
      )}
    </fieldset>
  );
}
