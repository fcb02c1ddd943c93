/**
 * The rows of a RADIUS property mapping's attribute editor: read from the attributes the API answers
 * (resolved to numbers), written as the entries it takes (a dictionary name, or a type with its vendor and
 * data type), and the API's per-position messages (`2: Tunnel-Type must be …`) routed to their rows.
 */
import {
  RADIUS_ATTRIBUTES,
  RADIUS_VENDORS,
  type RadiusAttributeDefinition,
  type RadiusDataType,
} from '@palisade/schema/radius-dictionary';
import type { ReplyAttribute } from '@palisade/schema/radius-attributes';
import type { FieldErrors } from '../lib/field-errors.ts';
import type { RadiusAttributeEntry } from '../lib/types.ts';

/** One attribute as the editor holds it: every part as the text of its control. */
export interface AttributeRow {
  /** By a dictionary name, or by number (an attribute the dictionary lacks, or any vendor's). */
  by: 'name' | 'number';
  name: string;
  type: string;
  vendor_id: string;
  /** '' leaves the data type to the dictionary. */
  data_type: string;
  tag: string;
  value: string;
}

/** A row for a new attribute. */
export const emptyRow = (): AttributeRow => ({
  by: 'name',
  name: '',
  type: '',
  vendor_id: '',
  data_type: '',
  tag: '',
  value: '',
});

/** Every dictionary attribute by name, standard and vendors' (for suggestions and hints). */
export const DICTIONARY: ReadonlyMap<string, RadiusAttributeDefinition & { vendor?: string }> = new Map([
  ...Object.entries(RADIUS_ATTRIBUTES),
  ...Object.entries(RADIUS_VENDORS).flatMap(([vendor, v]) =>
    Object.entries(v.attributes).map(
      ([name, d]): [string, RadiusAttributeDefinition & { vendor: string }] => [
        name,
        { ...d, vendor: `${vendor} (${v.id})` },
      ],
    ),
  ),
]);

/** The dictionary's definition of the attribute a row names or numbers, if it has one. */
export function definitionOf(row: AttributeRow): RadiusAttributeDefinition | undefined {
  if (row.by === 'name') {
    const lower = row.name.trim().toLowerCase();
    for (const [name, d] of DICTIONARY) if (name.toLowerCase() === lower) return d;
    return undefined;
  }
  const vendorId = row.vendor_id.trim() === '' ? null : Number(row.vendor_id);
  const table =
    vendorId === null
      ? RADIUS_ATTRIBUTES
      : Object.values(RADIUS_VENDORS).find((v) => v.id === vendorId)?.attributes;
  return Object.values(table ?? {}).find((d) => d.type === Number(row.type));
}

/** The rows of a stored mapping: dictionary attributes by name (enumerated values by their names). */
export function rowsOf(attributes: readonly ReplyAttribute[]): AttributeRow[] {
  return attributes.map((a) => {
    const definition = DICTIONARY.get(a.name);
    const valueName =
      a.data_type === 'integer' && definition?.values
        ? Object.entries(definition.values).find(([, n]) => String(n) === a.value)?.[0]
        : undefined;
    return {
      by: definition ? 'name' : 'number',
      name: definition ? a.name : '',
      type: definition ? '' : String(a.type),
      vendor_id: definition || a.vendor_id === null ? '' : String(a.vendor_id),
      data_type: definition ? '' : a.data_type,
      tag: a.tag === null ? '' : String(a.tag),
      value: valueName ?? a.value,
    };
  });
}

/** A whole number from `min` to `max` in a control's text, or undefined. */
function integerIn(text: string, min: number, max: number): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= min && n <= max ? n : undefined;
}

/**
 * The entries of the request body, or the problems found before sending, in the API's own form
 * (`attributes: ["1: …"]`) so both show at their rows alike. Values go as text: the API reads numbers and
 * the names of enumerated values from it.
 */
export function entriesOf(
  rows: readonly AttributeRow[],
): { entries: RadiusAttributeEntry[] } | { problems: FieldErrors } {
  const problems: string[] = [];
  const entries: RadiusAttributeEntry[] = [];
  for (const [i, row] of rows.entries()) {
    const at = (message: string) => problems.push(`${i + 1}: ${message}`);
    const entry: RadiusAttributeEntry = { value: row.value };
    if (row.by === 'name') {
      if (!row.name.trim()) at('Choose an attribute name, or give its number.');
      entry.name = row.name.trim();
    } else {
      const type = integerIn(row.type, 1, 255);
      if (type === undefined) at('The type must be a number from 1 to 255.');
      else entry.type = type;
      if (row.vendor_id.trim()) {
        const vendorId = integerIn(row.vendor_id, 1, 16777215);
        if (vendorId === undefined) at('The vendor ID must be a number from 1 to 16777215.');
        else entry.vendor_id = vendorId;
      }
      if (row.data_type) entry.data_type = row.data_type as RadiusDataType;
    }
    if (row.tag.trim()) {
      const tag = integerIn(row.tag, 0, 31);
      if (tag === undefined) at('The tag must be a number from 0 to 31.');
      else entry.tag = tag;
    }
    entries.push(entry);
  }
  if (rows.length === 0) problems.push('Add at least one attribute.');
  return problems.length ? { problems: { attributes: problems } } : { entries };
}

/** The messages for `attributes` split by row (`"2: …"` is the second row's), and those of the whole list. */
export function messagesByRow(messages: readonly string[] = []): {
  rows: Map<number, string[]>;
  list: string[];
} {
  const rows = new Map<number, string[]>();
  const list: string[] = [];
  for (const message of messages) {
    const match = /^(\d+): (.*)$/s.exec(message);
    if (!match) {
      list.push(message);
      continue;
    }
    const row = Number(match[1]) - 1;
    rows.set(row, [...(rows.get(row) ?? []), match[2] ?? '']);
  }
  return { rows, list };
}
