import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  bindDn,
  escapeDnValue,
  hostAndPort,
  ldapLayout,
  ldapSnippets,
  radiusSnippets,
  shellQuote,
} from '../src/ldap-radius-snippets.ts';

/** What /bin/sh makes of `words` (each printed on its own line), to check quoting with the real shell. */
const shellWords = (words: string) =>
  execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${words}`], { encoding: 'utf8' })
    .split('\n')
    .slice(0, -1);

const textOf = (snippets: Array<{ id: string; text: string }>, id: string) =>
  snippets.find((s) => s.id === id)?.text ?? '';

describe('LDAP and RADIUS client snippets', () => {
  it('quotes words so the shell reads them back unchanged', () => {
    const words = ['plain', "it's", 'a b', '$HOME', 'back\\slash', '"quoted"', 'semi;colon', '*'];
    assert.deepEqual(shellWords(words.map(shellQuote).join(' ')), words);
  });

  it('escapes DN values as RFC 4514 says', () => {
    assert.equal(escapeDnValue('a,b+c"d\\e<f>g;h=i'), 'a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\=i');
    assert.equal(escapeDnValue('#lead'), '\\#lead');
    assert.equal(escapeDnValue(' both '), '\\ both\\ ');
    assert.equal(bindDn('smith, j', 'dc=example,dc=com'), 'cn=smith\\, j,ou=users,dc=example,dc=com');
  });

  it('takes a port the host ends in, else the usual one', () => {
    assert.equal(hostAndPort('ldap.example.com', 636), 'ldap.example.com:636');
    assert.equal(hostAndPort(' 127.0.0.1:41636 ', 636), '127.0.0.1:41636');
    assert.equal(hostAndPort('[2001:db8::1]:1812', 636), '[2001:db8::1]:1812');
    assert.equal(hostAndPort('2001:db8::1', 1812), '[2001:db8::1]:1812');
    assert.match(
      textOf(
        radiusSnippets({ host: 'nas:11812', secret: 's', clientNetworks: 'n', username: 'u' }),
        'radtest',
      ),
      / nas:11812 0 s\n$/,
    );
  });

  it('lays out the tree under the base DN', () => {
    assert.deepEqual(
      ldapLayout('dc=example,dc=com').map((r) => r.dn),
      [
        'dc=example,dc=com',
        'ou=users,dc=example,dc=com',
        'ou=groups,dc=example,dc=com',
        'ou=virtual-groups,dc=example,dc=com',
      ],
    );
  });

  it('builds ldapsearch lines whose words the shell reads as the provider’s DNs', () => {
    const baseDn = 'o=Acme Ltd,dc=example,dc=com';
    const snippets = ldapSnippets({
      baseDn,
      host: 'ldap.example.com',
      transport: 'ldaps',
      username: "o'brien",
    });
    const whoami = textOf(snippets, 'ldapwhoami').trim();
    assert.deepEqual(shellWords(whoami.replace(/^ldapwhoami /, '')), [
      '-x',
      '-H',
      'ldaps://ldap.example.com:636',
      '-D',
      `cn=o'brien,ou=users,${baseDn}`,
      '-W',
    ]);
    const search = textOf(snippets, 'ldapsearch')
      .split('\n')
      .slice(0, 2)
      .join('\n')
      .replace(/^ldapsearch /, '');
    const words = shellWords(search.replace(/\\\n/, ''));
    assert.deepEqual(words.slice(-6), ['-b', baseDn, '(objectClass=user)', 'cn', 'mail', 'memberOf']);
    assert.equal(words[words.indexOf('-D') + 1], `cn=o'brien,ou=users,${baseDn}`);
    const starttls = ldapSnippets({ baseDn, host: 'h', transport: 'starttls', username: 'u' });
    assert.match(textOf(starttls, 'ldapwhoami'), /-ZZ -H ldap:\/\/h:389 /);
  });

  it('builds radtest and radclient lines with the secret, the user and the client networks', () => {
    const snippets = radiusSnippets({
      host: '192.0.2.10',
      secret: "s3cr'et",
      clientNetworks: '10.20.0.0/16',
      username: 'alice "a"',
    });
    const radtest = textOf(snippets, 'radtest')
      .trim()
      .replace(/^radtest /, '');
    assert.deepEqual(shellWords(radtest), ['alice "a"', 'PASSWORD', '192.0.2.10:1812', '0', "s3cr'et"]);
    const [echo, radclient] = textOf(snippets, 'radclient').split('|');
    assert.deepEqual(shellWords((echo ?? '').replace(/^echo /, '').replace(/\\\n/, '')), [
      'User-Name = "alice \\"a\\"", User-Password = "PASSWORD", Message-Authenticator = 0x00',
    ]);
    assert.deepEqual(shellWords((radclient ?? '').trim()), [
      'radclient',
      '-x',
      '192.0.2.10:1812',
      'auth',
      "s3cr'et",
    ]);
    assert.match(textOf(snippets, 'nas'), /send from one of: 10\.20\.0\.0\/16/);
  });
});
