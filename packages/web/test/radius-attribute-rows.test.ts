import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveAttribute, type ReplyAttribute } from '@palisade/schema/radius-attributes';
import { emptyRow, entriesOf, messagesByRow, rowsOf } from '../src/admin/radius-attribute-rows.ts';

/** Resolves entries as the core does, failing on a problem. */
function resolved(entries: Parameters<typeof resolveAttribute>[0][]): ReplyAttribute[] {
  return entries.map((entry) => {
    const outcome = resolveAttribute(entry);
    assert.ok('attribute' in outcome, JSON.stringify(outcome));
    return outcome.attribute;
  });
}

describe('RADIUS attribute rows', () => {
  const stored = resolved([
    { name: 'Tunnel-Type', value: 'VLAN' },
    { name: 'Tunnel-Private-Group-Id', tag: 3, value: '42' },
    { name: 'aruba-user-role', value: 'staff' },
    { type: 200, vendor_id: 99999, data_type: 'octets', value: '0A1B' },
    { type: 27, value: 3600 },
  ]);

  it('shows stored attributes by name (enumerated values too) and unknown ones by number', () => {
    const rows = rowsOf(stored);
    assert.deepEqual(
      rows.map((r) => [r.by, r.name, r.type, r.vendor_id, r.data_type, r.tag, r.value]),
      [
        ['name', 'Tunnel-Type', '', '', '', '0', 'VLAN'],
        ['name', 'Tunnel-Private-Group-Id', '', '', '', '3', '42'],
        ['name', 'Aruba-User-Role', '', '', '', '', 'staff'],
        ['number', '', '200', '99999', 'octets', '', '0a1b'],
        ['name', 'Session-Timeout', '', '', '', '', '3600'],
      ],
    );
  });

  it('sends rows back as entries the core resolves to the same attributes', () => {
    const sent = entriesOf(rowsOf(stored));
    assert.ok('entries' in sent);
    assert.deepEqual(resolved(sent.entries), stored);
  });

  it('finds problems before sending, numbered by row as the API numbers its own', () => {
    const rows = [
      { ...emptyRow(), name: 'Reply-Message', value: 'hi' },
      { ...emptyRow(), by: 'number' as const, type: '256', vendor_id: 'x', value: '1' },
      { ...emptyRow(), name: 'Tunnel-Type', tag: '32', value: 'VLAN' },
      emptyRow(),
    ];
    const checked = entriesOf(rows);
    assert.ok('problems' in checked);
    assert.deepEqual(checked.problems.attributes, [
      '2: The type must be a number from 1 to 255.',
      '2: The vendor ID must be a number from 1 to 16777215.',
      '3: The tag must be a number from 0 to 31.',
      '4: Choose an attribute name, or give its number.',
    ]);
    assert.deepEqual(entriesOf([]), { problems: { attributes: ['Add at least one attribute.'] } });
  });

  it('routes messages to their rows, the rest to the list', () => {
    const { rows, list } = messagesByRow(['2: a', 'must NOT have more than 50 items', '2: b', '10: c']);
    assert.deepEqual(
      [...rows],
      [
        [1, ['a', 'b']],
        [9, ['c']],
      ],
    );
    assert.deepEqual(list, ['must NOT have more than 50 items']);
  });
});
