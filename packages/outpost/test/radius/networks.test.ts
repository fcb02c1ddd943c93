import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressBytes, longestMatch, parseNetwork, parseNetworks } from '../../src/radius/networks.ts';
import { splitSecret } from '../../src/flow/mfa-split.ts';

describe('client networks', () => {
  it('reads IPv4, IPv6 (compressed, with an IPv4 tail) and IPv4-mapped addresses', () => {
    assert.deepEqual(addressBytes('192.0.2.1'), Buffer.from([192, 0, 2, 1]));
    assert.deepEqual(addressBytes('::ffff:192.0.2.1'), Buffer.from([192, 0, 2, 1]));
    assert.equal(addressBytes('2001:db8::1')?.toString('hex'), '20010db8000000000000000000000001');
    assert.equal(addressBytes('::')?.toString('hex'), '0'.repeat(32));
    assert.equal(addressBytes('64:ff9b::192.0.2.1')?.toString('hex'), '0064ff9b0000000000000000c0000201');
    assert.equal(addressBytes('nonsense'), undefined);
  });

  it('parses CIDRs, skipping the invalid ones, and defaults to everything', () => {
    assert.equal(parseNetwork('10.0.0.0/33'), undefined);
    assert.equal(parseNetwork('10.0.0.0/8/1'), undefined);
    assert.equal(parseNetwork('10.0.0.1')?.prefix, 32);
    const { networks, invalid } = parseNetworks('10.0.0.0/8, bogus, fd00::/8,, 1.2.3.4/x');
    assert.deepEqual(
      networks.map((n) => n.text),
      ['10.0.0.0/8', 'fd00::/8'],
    );
    assert.deepEqual(invalid, ['bogus', '1.2.3.4/x']);
    assert.deepEqual(
      parseNetworks(undefined).networks.map((n) => n.text),
      ['0.0.0.0/0', '::/0'],
    );
  });

  it('chooses the longest matching prefix, the first provider on a tie, nothing outside every network', () => {
    const wide = { name: 'wide', ...parseNetworks('0.0.0.0/0, ::/0') };
    const office = { name: 'office', ...parseNetworks('10.1.0.0/16') };
    const ap = { name: 'ap', ...parseNetworks('10.1.2.0/23') };
    const twin = { name: 'twin', ...parseNetworks('10.1.2.0/23') };
    const v6 = { name: 'v6', ...parseNetworks('2001:db8:1::/48') };
    const pick = (address: string, list = [wide, office, ap, twin, v6]) =>
      longestMatch(list, address)?.match.name;
    assert.equal(pick('10.1.3.9'), 'ap');
    assert.equal(pick('10.1.4.9'), 'office');
    assert.equal(pick('192.0.2.1'), 'wide');
    assert.equal(pick('2001:db8:1::5'), 'v6');
    assert.equal(pick('::ffff:10.1.3.9'), 'ap');
    assert.equal(pick('192.0.2.1', [office, ap]), undefined);
    assert.equal(pick('10.1.2.200', [twin, ap]), 'twin');
  });
});

describe('MFA code splitting', () => {
  it('splits at the last ";" with mfa_support, and offers the whole as the code without it', () => {
    assert.deepEqual(splitSecret('pw;123456', true), { password: 'pw', code: '123456' });
    assert.deepEqual(splitSecret('p;w;123456', true), { password: 'p;w', code: '123456' });
    assert.deepEqual(splitSecret('pw;', true), { password: 'pw;', code: undefined });
    assert.deepEqual(splitSecret('pw', true), { password: 'pw', code: undefined });
    assert.deepEqual(splitSecret('pw;123456', false), { password: 'pw;123456', code: 'pw;123456' });
  });
});
