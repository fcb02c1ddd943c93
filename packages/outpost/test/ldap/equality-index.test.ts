/**
 * The equality index of the cached directory (equality-index.ts) only narrows which entries a search tests:
 * every search answers exactly what a scan of its scope answers, in the same order, with the same limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toProvider } from '../../src/ldap/config.ts';
import { buildDirectory, type Directory } from '../../src/ldap/directory.ts';
import type { Filter } from '../../src/ldap/filter.ts';
import type { Scope } from '../../src/ldap/messages.ts';
import { searchTree } from '../../src/ldap/search.ts';
import { fixtureData } from './support/fake-core.ts';
import { ldapConfig } from './support/provider-config.ts';

const BASE = 'dc=example,dc=com';
const provider = toProvider(ldapConfig({ base_dn: BASE }));

/** 40 users in 4 groups, some in two, group0 a parent of group1, custom attributes that clash. */
function directory(): Directory {
  const { users, groups } = fixtureData(40, 4);
  const [g0, g1, g2] = groups;
  assert.ok(g0 && g1 && g2);
  for (const { user } of users.filter((u) => u.user.pk % 3 === 0)) {
    user.groups_obj.push({ pk: g2.pk, name: g2.name });
    g2.users_obj?.push({ pk: user.pk, username: user.username });
  }
  g1.parents_obj = [{ name: g0.name }];
  g0.children_obj = [{ name: g1.name }];
  const custom = users[4]?.user;
  assert.ok(custom);
  // A custom attribute wins over the built-in of its name: the index sees the entry's values.
  custom.attributes = { mail: ['Alias@Example.com', 'other@example.com'], uid: 'custom-uid' };
  return buildDirectory(provider, { users: users.map((u) => u.user), groups }, 'test');
}

const eq = (attribute: string, value: string): Filter => ({ type: 'equal', attribute, value });
const FILTERS: Filter[] = [
  eq('memberOf', `cn=group1,ou=groups,${BASE}`),
  eq('MEMBEROF', `CN=Group2, OU=Groups, ${BASE.toUpperCase()}`),
  eq('memberOf', `cn=group0,ou=groups,${BASE}`),
  eq('memberOf', `cn=nothing,ou=groups,${BASE}`),
  eq('memberOf', 'not a dn'),
  eq('member', `cn=user8,ou=users,${BASE}`),
  eq('cn', 'USER7'),
  eq('cn;lang-en', 'user7'),
  eq('cn', 'group3'),
  eq('uid', 'custom-uid'),
  eq('uid', 'uid-5'),
  eq('mail', 'alias@example.com'),
  eq('sAMAccountName', 'user12'),
  {
    type: 'and',
    filters: [eq('objectClass', 'user'), eq('memberOf', `cn=group2,ou=groups,${BASE}`), eq('cn', 'user9')],
  },
  {
    type: 'and',
    filters: [eq('memberOf', `cn=group2,ou=groups,${BASE}`), { type: 'not', filter: eq('cn', 'user3') }],
  },
  { type: 'or', filters: [eq('cn', 'user1'), eq('cn', 'user2')] },
  { type: 'and', filters: [] },
];
const BASES = [
  BASE,
  `ou=users,${BASE}`,
  `ou=groups,${BASE}`,
  `ou=virtual-groups,${BASE}`,
  `cn=user9,ou=users,${BASE}`,
];
const SCOPES: Scope[] = ['base', 'one', 'sub'];

describe('the equality index of the cached directory', () => {
  it('answers every search as a scan of its scope does, in the same order and at the same size limit', () => {
    const indexed = directory();
    const scanned: Directory = { ...indexed, index: new Map() };
    let found = 0;
    for (const filter of FILTERS) {
      for (const baseKey of BASES) {
        for (const scope of SCOPES) {
          for (const sizeLimit of [0, 2]) {
            const search = { baseKey, scope, filter, sizeLimit, deadline: Infinity };
            const want = searchTree(scanned, search);
            const got = searchTree(indexed, search);
            const what = JSON.stringify({ filter, baseKey, scope, sizeLimit });
            assert.equal(got.code, want.code, what);
            assert.deepEqual(
              got.entries.map((e) => e.dn),
              want.entries.map((e) => e.dn),
              what,
            );
            found += got.entries.length;
          }
        }
      }
    }
    assert.ok(found > 100, 'the searches found entries, not only nothing');
  });

  it('lists the members of a group from the index, users and child groups', () => {
    const { index } = directory();
    const members = index.get('memberof')?.get(`cn=group0,ou=groups,${BASE}`) ?? [];
    assert.ok(
      members.some((e) => e.dn === `cn=group1,ou=groups,${BASE}`),
      'the child group',
    );
    assert.equal(members.filter((e) => e.dn.endsWith(`ou=users,${BASE}`)).length, 10);
  });
});
