import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InsufficientAccessError, NoSuchObjectError, UnwillingToPerformError } from 'ldapts';
import { fakeSetup, fixtureData, type FakeSetup } from './support/fake-core.ts';
import { listenForTest, type TestListeners } from './support/listen.ts';

const BASE = 'dc=example,dc=com';
const dn = (name: string) => `cn=${name},ou=users,${BASE}`;

describe('the LDAP server answering searches from its cached directory', () => {
  let setup: FakeSetup;
  let net: TestListeners;
  before(async () => {
    const data = fixtureData(30, 3);
    const admin = data.users[0];
    if (admin) admin.canSearch = true;
    setup = fakeSetup(data);
    net = await listenForTest(setup.runtime);
  });
  after(() => net.close());

  it('shows an anonymous client the root DSE only, without naming contexts', async () => {
    const client = net.client();
    const root = await client.search('', { scope: 'base', filter: '(objectClass=*)' });
    assert.equal(root.searchEntries.length, 1);
    assert.equal(root.searchEntries[0]?.vendorName, 'goauthentik.io');
    assert.equal(root.searchEntries[0]?.namingContexts, undefined);
    await assert.rejects(
      client.search(BASE, { scope: 'sub', filter: '(objectClass=*)' }),
      InsufficientAccessError,
    );
  });

  it('lets the full-directory binder search each subtree, with scopes', async () => {
    const client = net.client();
    await client.bind(dn('user1'), 'password-1');
    const users = await client.search(`ou=users,${BASE}`, { scope: 'one', filter: '(objectClass=user)' });
    assert.equal(users.searchEntries.length, 30);
    const groups = await client.search(`ou=groups,${BASE}`, { scope: 'sub', filter: '(objectClass=group)' });
    assert.deepEqual(groups.searchEntries.map((e) => e.cn).sort(), ['group0', 'group1', 'group2']);
    const virtual = await client.search(`ou=virtual-groups,${BASE}`, { scope: 'one', filter: '(cn=user7)' });
    assert.equal(virtual.searchEntries[0]?.member, dn('user7'));
    const base = await client.search(BASE, { scope: 'base', filter: '(objectClass=*)' });
    assert.equal(base.searchEntries.length, 1);
    const oneLevel = await client.search(BASE, { scope: 'one', filter: '(objectClass=*)' });
    assert.deepEqual(
      oneLevel.searchEntries.map((e) => e.dn),
      [`ou=users,${BASE}`, `ou=groups,${BASE}`, `ou=virtual-groups,${BASE}`],
    );
    const root = await client.search('', { scope: 'base', filter: '(objectClass=*)' });
    assert.equal(root.searchEntries[0]?.namingContexts, BASE);
  });

  it('answers memberOf combined with an attribute list (the reference #6190)', async () => {
    const client = net.client();
    await client.bind(dn('user1'), 'password-1');
    const found = await client.search(BASE, {
      scope: 'sub',
      filter: `(&(objectClass=user)(memberOf=cn=group1,ou=groups,${BASE}))`,
      attributes: ['cn', 'mail'],
    });
    assert.equal(found.searchEntries.length, 10);
    for (const entry of found.searchEntries) {
      assert.deepEqual(Object.keys(entry).sort(), ['cn', 'dn', 'mail']);
      assert.equal(Number(String(entry.cn).slice(4)) % 3, 1);
    }
  });

  it('evaluates every filter type', async () => {
    const client = net.client();
    await client.bind(dn('user1'), 'password-1');
    const count = async (filter: string) =>
      (await client.search(`ou=users,${BASE}`, { scope: 'one', filter })).searchEntries.length;
    assert.equal(await count('(cn=user1*)'), 11); // user1, user10-19
    assert.equal(await count('(cn=*2)'), 3); // 2, 12, 22
    assert.equal(await count('(cn=u*er*5)'), 3);
    assert.equal(await count('(|(cn=user3)(cn=user4))'), 2);
    assert.equal(await count('(!(cn=user3))'), 29);
    assert.equal(await count('(uidNumber>=2025)'), 6);
    assert.equal(await count('(uidNumber<=2002)'), 2);
    assert.equal(await count('(mail~=USER5@example.com)'), 1);
    assert.equal(await count('(mail=*)'), 30);
    assert.equal(await count('(cn:caseExactMatch:=User5)'), 0);
    assert.equal(await count('(cn:=USER5)'), 1);
    assert.equal(await count('(ou:dn:=users)'), 30);
    assert.equal(await count('(cn=\\2a)'), 0); // an escaped `*` is a value, not a wildcard
  });

  it('stops at the size limit (ldapts takes sizeLimitExceeded as the end; ldapsearch shows the code)', async () => {
    const client = net.client();
    await client.bind(dn('user1'), 'password-1');
    const found = await client.search(`ou=users,${BASE}`, {
      scope: 'one',
      filter: '(objectClass=user)',
      sizeLimit: 5,
    });
    assert.equal(found.searchEntries.length, 5);
  });

  it('pages a search with the paged-results control (RFC 2696)', async () => {
    const client = net.client();
    await client.bind(dn('user1'), 'password-1');
    const paged = await client.search(`ou=users,${BASE}`, {
      scope: 'one',
      filter: '(objectClass=user)',
      attributes: ['cn'],
      paged: { pageSize: 7 },
    });
    assert.equal(paged.searchEntries.length, 30);
    assert.equal(new Set(paged.searchEntries.map((e) => e.dn)).size, 30);
  });

  it('shows a binder without the full-directory right only themselves and their groups, trimmed', async () => {
    const client = net.client();
    await client.bind(dn('user5'), 'password-5');
    const users = await client.search(`ou=users,${BASE}`, { scope: 'one', filter: '(objectClass=user)' });
    assert.deepEqual(
      users.searchEntries.map((e) => e.cn),
      ['user5'],
    );
    const groups = await client.search(`ou=groups,${BASE}`, { scope: 'one', filter: '(objectClass=*)' });
    assert.deepEqual(
      groups.searchEntries.map((e) => [e.cn, e.member]),
      [['group2', dn('user5')]],
    );
  });

  it('compares, answers writes unwillingToPerform, and hides other bases', async () => {
    const client = net.client();
    await client.bind(dn('user1'), 'password-1');
    assert.equal(await client.compare(dn('user2'), 'mail', 'USER2@example.com'), true);
    assert.equal(await client.compare(dn('user2'), 'mail', 'someone@example.com'), false);
    await assert.rejects(client.compare(dn('nobody'), 'mail', 'x'), NoSuchObjectError);
    await assert.rejects(client.add(dn('new'), { cn: 'new', objectClass: 'user' }), UnwillingToPerformError);
    await assert.rejects(client.del(dn('user2')), UnwillingToPerformError);
    await assert.rejects(
      client.search('dc=other,dc=org', { scope: 'sub', filter: '(objectClass=*)' }),
      NoSuchObjectError,
    );
  });

  it('answers Who am I? with the bound DN', async () => {
    const client = net.client();
    await client.bind(dn('user3'), 'password-3');
    const { value } = await client.exop('1.3.6.1.4.1.4203.1.11.3');
    assert.equal(value, `dn:${dn('user3')}`);
  });
});
