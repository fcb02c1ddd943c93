import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerError, integer, readElement, readInteger } from '../../src/ldap/ber.ts';
import { toProvider, toProviders, LdapConfigError } from '../../src/ldap/config.ts';
import { escapeDnValue, normalizeDn, parseDn } from '../../src/ldap/dn.ts';
import { userDn } from '../../src/ldap/entries.ts';
import { decodeFilter, filterToString, MAX_FILTER_DEPTH } from '../../src/ldap/filter.ts';
import { decodeMessage } from '../../src/ldap/messages.ts';
import { splitSecret } from '../../src/flow/mfa-split.ts';
import { readProxyHeader } from '../../src/ldap/proxy-protocol.ts';
import { ldapConfig } from './support/provider-config.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const config = ldapConfig({ base_dn: 'DC=ldap,DC=goauthentik,DC=io', search_mode: 'direct' });

describe('the BER codec and LDAP model', () => {
  it('encodes integers in the fewest two-complement bytes and reads them back', () => {
    for (const value of [0, 1, 127, 128, 255, 256, 65535, 2147483647, -1, -128, -129]) {
      assert.equal(readInteger(readElement(integer(value))), value, String(value));
    }
    assert.deepEqual(integer(128), hex('02 02 00 80'));
    assert.deepEqual(integer(-129), hex('02 02 ff 7f'));
  });

  it('decodes a bind request as ldapsearch sends it', () => {
    const message = decodeMessage(
      hex('30 1b 02 01 01 60 16 02 01 03 04 0a 63 6e 3d 61 6c 69 63 65 2c 78 80 05 73 33 63 72 33'),
    );
    assert.equal(message.id, 1);
    assert.equal(message.request.kind, 'bind');
    if (message.request.kind === 'bind' && message.request.auth === 'simple') {
      assert.equal(message.request.name, 'cn=alice,x');
      assert.equal(message.request.password.toString(), 's3cr3');
    }
  });

  it('refuses a filter nested past the limit, and prints filters as RFC 4515 text', () => {
    let filter = hex('87 02 63 6e');
    for (let i = 0; i <= MAX_FILTER_DEPTH; i++)
      filter = Buffer.concat([Buffer.from([0xa2, filter.length]), filter]);
    assert.throws(() => decodeFilter(readElement(filter)), BerError);
    const and = hex('a0 1a a3 0b 04 02 63 6e 04 05 61 2a 28 29 5c a4 0b 04 02 63 6e 30 05 80 01 61 82 00');
    assert.equal(filterToString(decodeFilter(readElement(and))), '(&(cn=a\\2a\\28\\29\\5c)(cn=a*))');
  });
});

describe('DNs', () => {
  it('parses escapes and normalizes case and spacing', () => {
    assert.deepEqual(parseDn('cn=a\\,b , ou=Users,dc=x'), [
      [{ type: 'cn', value: 'a,b' }],
      [{ type: 'ou', value: 'Users' }],
      [{ type: 'dc', value: 'x' }],
    ]);
    assert.equal(normalizeDn('CN=Alice, OU=users,DC=Example'), 'cn=alice,ou=users,dc=example');
    assert.equal(normalizeDn('cn=\\41lice,dc=x'), 'cn=alice,dc=x');
    assert.equal(normalizeDn('cn=a+uid=b,dc=x'), 'cn=a+uid=b,dc=x');
    for (const bad of ['cn', 'cn=a\\', 'cn=a=b', '=a', 'c n=a'])
      assert.equal(normalizeDn(bad), undefined, bad);
  });

  it('escapes names put into DNs, so they parse back to the same name', () => {
    for (const name of ['a,b', 'x+y', ' lead', 'trail ', '#hash', 'quote"', 'back\\slash', 'eq=ual']) {
      const parsed = parseDn(`cn=${escapeDnValue(name)},dc=x`);
      assert.equal(parsed?.[0]?.[0]?.value, name, name);
    }
    const provider = toProvider({ ...config, base_dn: 'DC=Example,DC=COM' });
    assert.equal(userDn(provider, 'a,b'), 'cn=a\\,b,ou=users,dc=example,dc=com');
  });

  it('lower-cases the base DN and refuses two providers on one base', () => {
    const provider = toProvider(config);
    assert.equal(provider.baseDn, 'dc=ldap,dc=goauthentik,dc=io');
    assert.throws(
      () => toProviders([config, { ...config, pk: 2, base_dn: 'DC=LDAP,dc=goauthentik,dc=io' }]),
      LdapConfigError,
    );
    assert.throws(() => toProvider({ ...config, base_dn: 'not a dn' }), LdapConfigError);
  });
});

describe('secrets and PROXY headers', () => {
  it('splits an MFA code at the last ; only when it looks like a code', () => {
    assert.deepEqual(splitSecret('pw;123456', true), { password: 'pw', code: '123456' });
    assert.deepEqual(splitSecret('p;w;abcdefghjkmn', true), { password: 'p;w', code: 'abcdefghjkmn' });
    assert.deepEqual(splitSecret('pa;ss', true), { password: 'pa;ss', code: undefined });
    assert.deepEqual(splitSecret('pw;', true), { password: 'pw;', code: undefined });
    assert.deepEqual(splitSecret('pw;123456', false), { password: 'pw;123456', code: 'pw;123456' });
  });

  it('reads PROXY v1 and v2 headers and refuses malformed ones', () => {
    const v1 = readProxyHeader(Buffer.from('PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n0'));
    assert.deepEqual(v1, { state: 'header', sourceIp: '192.0.2.1', rest: Buffer.from('0') });
    const v2 = Buffer.concat([
      hex('0d0a0d0a000d0a515549540a 21 11 000c'),
      hex('c0000201 c0000202 0001 0002'),
      hex('30'),
    ]);
    assert.deepEqual(readProxyHeader(v2), { state: 'header', sourceIp: '192.0.2.1', rest: hex('30') });
    assert.deepEqual(readProxyHeader(v2.subarray(0, 10)), { state: 'more' });
    assert.equal(readProxyHeader(Buffer.from('PROXY TCP4 nonsense\r\n')).state, 'invalid');
    assert.equal(readProxyHeader(Buffer.from(`PROXY ${'x'.repeat(200)}`)).state, 'invalid');
    assert.equal(readProxyHeader(hex('30 00')).state, 'none');
  });
});
