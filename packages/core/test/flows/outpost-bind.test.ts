import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { addGroupMember, insertGroup } from '../../src/identity/groups-repository.ts';
import { findUserByUsername } from '../../src/identity/users-repository.ts';
import { insertBinding } from '../../src/policies/bindings-repository.ts';
import { apiClient } from '../support/api-client.ts';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { OutpostFlowClient } from '../support/outpost-flow-client.ts';
import { insertTestOutpost, insertTestProvider, type TestOutpost } from '../support/outposts.ts';
import { createFlowApp, insertUserWithPassword } from './flow-app.ts';

interface CheckAccess {
  access: { passing: boolean; messages: string[]; log_messages: unknown[] };
  has_search_permission?: boolean;
}

for (const backend of testBackends()) {
  describe(`an LDAP and a RADIUS outpost binding through the core on ${backend.name}`, () => {
    let t: TestApp;
    let ldapOutpost: TestOutpost;
    let proxyOutpost: TestOutpost;
    let ldapProvider: number;
    let radiusProvider: number;
    const client = (outpost: TestOutpost, address: string) =>
      new OutpostFlowClient(t.app, {
        'x-authentik-outpost-token': outpost.token,
        'x-authentik-remote-ip': address,
      });

    before(async () => {
      t = await createFlowApp(backend);
      ldapProvider = await insertTestProvider(t.db, 'ldap', 'directory');
      radiusProvider = await insertTestProvider(t.db, 'radius', 'wifi', t.ctx.box);
      ldapOutpost = await insertTestOutpost(t.db, t.ctx.box, 'ldap', [ldapProvider]);
      await t.db.query(`UPDATE outposts SET type = 'ldap' WHERE uuid = $1`, [ldapOutpost.uuid]);
      proxyOutpost = await insertTestOutpost(t.db, t.ctx.box, 'proxy');
      for (const name of ['staff', 'guest'])
        await insertUserWithPassword(t, { username: name }, `${name}-password`);
      const group = await insertGroup(t.db, { name: 'directory-users' });
      const staff = await findUserByUsername(t.db, 'staff');
      if (!staff) throw new Error('no staff user');
      await addGroupMember(t.db, group.uuid, staff.id);
      for (const [slug, provider] of [
        ['directory', ldapProvider],
        ['wifi', radiusProvider],
      ] as const) {
        const application = await insertApplication(t.db, { name: slug, slug, providerId: provider });
        await insertBinding(t.db, { target: application.uuid, groupUuid: group.uuid, order: 0 });
      }
    });
    after(() => t.close());

    it('binds: executor, then check_access and users/me with the session cookie the executor set', async () => {
      const ldap = client(ldapOutpost, '203.0.113.20');
      const outcome = await ldap.run('default-authentication-flow', 'staff', 'staff-password');
      assert.equal(outcome.ok, true, outcome.error);
      const check = await ldap.request(
        'GET',
        `/api/v3/outposts/ldap/${ldapProvider}/check_access/?app_slug=directory`,
      );
      assert.equal(check.statusCode, 200, check.body);
      const body = check.json() as CheckAccess;
      assert.deepEqual(body, {
        access: { passing: true, messages: [], log_messages: [] },
        has_search_permission: false,
      });
      const me = await ldap.request('GET', '/api/v3/core/users/me/');
      assert.equal((me.json() as { user: { username: string } }).user.username, 'staff');

      const radius = client(ldapOutpost, '203.0.113.21');
      assert.equal(
        (await radius.run('default-authentication-flow', 'staff', 'staff-password', 'radius')).ok,
        true,
      );
      const radiusCheck = await radius.request(
        'GET',
        `/api/v3/outposts/radius/${radiusProvider}/check_access/?app_slug=wifi`,
      );
      // No property mappings: no attributes (the reference outpost then accepts without any).
      assert.deepEqual(radiusCheck.json(), {
        access: { passing: true, messages: [], log_messages: [] },
        attribute_list: [],
      });
    });

    it('answers passing false, never an error, for a user the policies refuse or a mismatched provider', async () => {
      const guest = client(ldapOutpost, '203.0.113.22');
      assert.equal((await guest.run('default-authentication-flow', 'guest', 'guest-password')).ok, true);
      const refused = (
        await guest.request('GET', `/api/v3/outposts/ldap/${ldapProvider}/check_access/?app_slug=directory`)
      ).json() as CheckAccess;
      assert.equal(refused.access.passing, false);
      assert.equal(refused.access.messages.length, 1);
      for (const url of [
        `/api/v3/outposts/ldap/${radiusProvider}/check_access/?app_slug=wifi`,
        `/api/v3/outposts/ldap/${ldapProvider}/check_access/?app_slug=wifi`,
        `/api/v3/outposts/ldap/${ldapProvider}/check_access/?app_slug=nothing`,
        `/api/v3/outposts/ldap/${ldapProvider}/check_access/`,
        `/api/v3/outposts/radius/999999/check_access/?app_slug=wifi`,
      ]) {
        const res = await guest.request('GET', url);
        assert.equal(res.statusCode, 200, url);
        assert.equal((res.json() as CheckAccess).access.passing, false, url);
      }
    });

    it('hands a RADIUS outpost the mapped reply attributes of a user who passes, and none otherwise', async () => {
      const admin = apiClient(t.app, t.adminHeaders);
      const mapping = async (name: string, attributes: unknown[]) => {
        const res = await admin.post('/api/v3/propertymappings/provider/radius/', { name, attributes });
        assert.equal(res.statusCode, 201, res.body);
        return (res.json() as { pk: string }).pk;
      };
      // Applied in name order, whatever order they are linked in.
      const second = await mapping('b-timeout', [{ name: 'Session-Timeout', value: 3600 }]);
      const first = await mapping('a-vlan', [
        { name: 'Tunnel-Type', value: 'VLAN' },
        { name: 'Tunnel-Private-Group-Id', value: '42' },
      ]);
      const linked = await admin.patch(`/api/v3/providers/radius/${radiusProvider}/`, {
        property_mappings: [second, first],
      });
      assert.equal(linked.statusCode, 200, linked.body);
      const check = async (username: string) => {
        const radius = client(ldapOutpost, '203.0.113.40');
        assert.equal(
          (await radius.run('default-authentication-flow', username, `${username}-password`, 'radius')).ok,
          true,
        );
        const res = await radius.request(
          'GET',
          `/api/v3/outposts/radius/${radiusProvider}/check_access/?app_slug=wifi`,
        );
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as CheckAccess & { attributes?: string; attribute_list: Array<{ name: string }> };
      };
      const staff = await check('staff');
      assert.equal(staff.access.passing, true);
      assert.deepEqual(
        staff.attribute_list.map((a) => a.name),
        ['Tunnel-Type', 'Tunnel-Private-Group-Id', 'Session-Timeout'],
      );
      const packet = Buffer.from(staff.attributes ?? '', 'base64');
      assert.equal(packet[0], 2, 'an Access-Accept');
      assert.equal(packet.readUInt16BE(2), packet.length);
      assert.equal(packet.subarray(20).toString('hex'), '40060000000d510434321b0600000e10');
      const guest = await check('guest');
      assert.equal(guest.access.passing, false);
      assert.deepEqual(guest.attribute_list, []);
      assert.equal(guest.attributes, undefined, 'no attributes for a refused user');
      await admin.patch(`/api/v3/providers/radius/${radiusProvider}/`, { property_mappings: [] });
    });

    it("grants has_search_permission to members of the provider's search group and its children only", async () => {
      const permission = async (username: string) => {
        const ldap = client(ldapOutpost, '203.0.113.30');
        assert.equal(
          (await ldap.run('default-authentication-flow', username, `${username}-password`)).ok,
          true,
        );
        const res = await ldap.request(
          'GET',
          `/api/v3/outposts/ldap/${ldapProvider}/check_access/?app_slug=directory`,
        );
        return (res.json() as CheckAccess).has_search_permission;
      };
      const readers = await insertGroup(t.db, { name: 'ldap-readers' });
      const members = await insertGroup(t.db, { name: 'directory-users-readers' });
      await t.db.query('UPDATE ldap_providers SET search_group = $1 WHERE provider_id = $2', [
        readers.uuid,
        ldapProvider,
      ]);
      assert.equal(await permission('staff'), false, 'not a member of the search group');
      await insertUserWithPassword(t, { username: 'root' }, 'root-password');
      const root = await findUserByUsername(t.db, 'root');
      const admins = await insertGroup(t.db, { name: 'admins', isSuperuser: true });
      await addGroupMember(t.db, admins.uuid, root?.id ?? 0);
      assert.equal((await findUserByUsername(t.db, 'root'))?.isSuperuser, true);
      const directoryUsers = await t.db.query<{ uuid: string }>(
        "SELECT uuid FROM groups WHERE name = 'directory-users'",
      );
      await addGroupMember(t.db, directoryUsers[0]?.uuid ?? '', root?.id ?? 0);
      assert.equal(await permission('root'), false, 'a superuser outside the search group has no such right');
      // Members of a group below the search group have the right (as group bindings admit them).
      await t.db.query('INSERT INTO group_parents (group_uuid, parent_uuid) VALUES ($1, $2)', [
        members.uuid,
        readers.uuid,
      ]);
      const staff = await findUserByUsername(t.db, 'staff');
      await addGroupMember(t.db, members.uuid, staff?.id ?? 0);
      assert.equal(await permission('staff'), true);
      const guest = await findUserByUsername(t.db, 'guest');
      await addGroupMember(t.db, readers.uuid, guest?.id ?? 0);
      assert.equal(await permission('guest'), false, 'never for a user the application refuses');
      await t.db.query('UPDATE ldap_providers SET search_group = NULL WHERE provider_id = $1', [
        ldapProvider,
      ]);
      assert.equal(await permission('staff'), false);
    });

    it('takes the end user session only: no session, or an outpost token, is a 403', async () => {
      const anonymous = await t.app.inject({
        url: `/api/v3/outposts/ldap/${ldapProvider}/check_access/?app_slug=directory`,
      });
      assert.equal(anonymous.statusCode, 403);
      const byToken = await t.app.inject({
        url: `/api/v3/outposts/ldap/${ldapProvider}/check_access/?app_slug=directory`,
        headers: { authorization: `Bearer ${ldapOutpost.token}` },
      });
      assert.equal(byToken.statusCode, 403);
    });

    it('lets the LDAP outpost read users and groups, and nothing else', async () => {
      const as = (outpost: TestOutpost, method: 'GET' | 'POST' | 'DELETE', url: string) =>
        t.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${outpost.token}`, 'content-type': 'application/json' },
          payload: method === 'POST' ? '{}' : undefined,
        });
      const users = await as(ldapOutpost, 'GET', '/api/v3/core/users/?include_groups=true&page_size=50');
      assert.equal(users.statusCode, 200);
      const staff = (users.json() as { results: Array<{ pk: number; username: string }> }).results.find(
        (u) => u.username === 'staff',
      );
      assert.ok(staff);
      assert.equal((await as(ldapOutpost, 'GET', `/api/v3/core/users/${staff.pk}/`)).statusCode, 200);
      assert.equal((await as(ldapOutpost, 'GET', '/api/v3/core/groups/?include_users=true')).statusCode, 200);
      assert.equal((await as(ldapOutpost, 'POST', '/api/v3/core/users/')).statusCode, 403);
      assert.equal((await as(ldapOutpost, 'DELETE', `/api/v3/core/users/${staff.pk}/`)).statusCode, 403);
      assert.equal((await as(ldapOutpost, 'GET', '/api/v3/core/tokens/')).statusCode, 403);
      assert.equal((await as(proxyOutpost, 'GET', '/api/v3/core/users/')).statusCode, 403);
    });
  });
}
