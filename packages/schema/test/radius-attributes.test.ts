import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessAcceptCarrying, encodeReplyAttribute, resolveAttribute } from '../src/radius-attributes.ts';

const resolved = (entry: Parameters<typeof resolveAttribute>[0]) => {
  const outcome = resolveAttribute(entry);
  if ('problem' in outcome) throw new Error(outcome.problem);
  return outcome.attribute;
};
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('RADIUS reply attributes', () => {
  it('resolves the VLAN assignment of RFC 3580 by name, values by name, and encodes tags (RFC 2868)', () => {
    const type = resolved({ name: 'tunnel-type', value: 'VLAN' });
    assert.deepEqual(type, {
      type: 64,
      vendor_id: null,
      data_type: 'integer',
      tag: 0,
      value: '13',
      name: 'Tunnel-Type',
    });
    // Tag octet, then a 3-octet value.
    assert.equal(hex(encodeReplyAttribute(type)), '40060000000d');
    const medium = resolved({ name: 'Tunnel-Medium-Type', value: 'IEEE-802', tag: 1 });
    assert.equal(hex(encodeReplyAttribute(medium)), '410601000006');
    const group = resolved({ name: 'Tunnel-Private-Group-Id', value: '42' });
    assert.equal(hex(encodeReplyAttribute(group)), '51043432', 'tag 0 sends no tag octet');
    const tagged = resolved({ name: 'Tunnel-Private-Group-Id', value: '42', tag: 2 });
    assert.equal(hex(encodeReplyAttribute(tagged)), '5105023432');
  });

  it('wraps vendor attributes in Vendor-Specific with the vendor number (RFC 2865 §5.26)', () => {
    const avpair = resolved({ name: 'Cisco-AVPair', value: 'shell:priv-lvl=15' });
    assert.equal(avpair.vendor_id, 9);
    const bytes = encodeReplyAttribute(avpair);
    assert.equal(bytes[0], 26);
    assert.equal(bytes[1], bytes.length);
    assert.equal(hex(bytes.subarray(2, 8)), `0000000901${(2 + 17).toString(16)}`);
    assert.equal(Buffer.from(bytes.subarray(8)).toString(), 'shell:priv-lvl=15');
    const byNumber = resolved({ type: 7, vendor_id: 99999, data_type: 'integer', value: 300 });
    assert.equal(hex(encodeReplyAttribute(byNumber)), '1a0c0001869f07060000012c');
    assert.equal(byNumber.name, 'Vendor-99999-Attr-7');
  });

  it('encodes every data type', () => {
    const cases: Array<[Parameters<typeof resolveAttribute>[0], string]> = [
      [{ name: 'Session-Timeout', value: 3600 }, '1b0600000e10'],
      [{ name: 'Service-Type', value: 'framed-user' }, '060600000002'],
      [{ name: 'Framed-IP-Address', value: '10.0.0.7' }, '08060a000007'],
      [{ name: 'Class', value: 'DEADbeef' }, '1906deadbeef'],
      [{ name: 'Framed-IPv6-Address', value: '2001:db8::1' }, `a812${'20010db8000000000000000000000001'}`],
      [{ name: 'Reply-Message', value: 'hé' }, '120568c3a9'],
    ];
    for (const [entry, expected] of cases) assert.equal(hex(encodeReplyAttribute(resolved(entry))), expected);
  });

  it('refuses what cannot be encoded or is the server’s own, naming the attribute', () => {
    for (const [entry, message] of [
      [{ name: 'No-Such-Attribute', value: 'x' }, /not an attribute Palisade knows/],
      [{ type: 80, value: 'x', data_type: 'octets' }, /set by the server/],
      [{ type: 2, value: 'x', data_type: 'string' }, /set by the server/],
      [{ type: 26, value: '00', data_type: 'octets' }, /set by the server/],
      [{ type: 200, value: 'x' }, /data_type is required/],
      [{ name: 'Session-Timeout', value: 'soon' }, /Session-Timeout must be a whole number/],
      [{ name: 'Session-Timeout', value: 4294967296 }, /whole number/],
      [{ name: 'Tunnel-Type', value: 'Carrier-Pigeon' }, /one of PPTP/],
      [{ name: 'Tunnel-Preference', value: 16777216 }, /at most 16777215/],
      [{ name: 'Framed-IP-Address', value: '10.0.0.256' }, /IPv4/],
      [{ name: 'Framed-IPv6-Address', value: '1::2::3' }, /IPv6/],
      [{ name: 'Class', value: 'xyz' }, /hex/],
      [{ name: 'Reply-Message', value: '' }, /empty/],
      [{ name: 'Reply-Message', value: 'x'.repeat(254) }, /longer/],
      [{ name: 'Reply-Message', value: 'x', tag: 1 }, /takes no tag/],
      [{ name: 'Reply-Message', type: 18, value: 'x' }, /not both/],
      [{ name: 'Filter-Id', data_type: 'integer', value: 1 }, /of type string/],
      [{ value: 'x' }, /needs a name or a type/],
    ] as const) {
      const outcome = resolveAttribute(entry);
      assert.ok('problem' in outcome, JSON.stringify(entry));
      assert.match(outcome.problem, message);
    }
  });

  it('carries attributes in an Access-Accept for the reference outpost, within 4096 bytes', () => {
    const packet = accessAcceptCarrying([
      resolved({ name: 'Tunnel-Type', value: 'VLAN' }),
      resolved({ name: 'Session-Timeout', value: 60 }),
    ]);
    assert.equal(hex(packet), `02000020${'00'.repeat(16)}40060000000d1b060000003c`);
    const big = resolved({ name: 'Reply-Message', value: 'x'.repeat(253) });
    assert.throws(() => accessAcceptCarrying(Array<typeof big>(17).fill(big)), /over RADIUS's 4096/);
  });
});
