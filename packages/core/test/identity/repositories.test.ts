import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { addGroupMember, insertGroup, wouldCreateCycle } from '../../src/identity/groups-repository.ts';
import { createSecretBox } from '../../src/identity/secret-box.ts';
import {
  createSession,
  findLiveSession,
  listUserSessions,
  revokeSessionByCookie,
  revokeUserSessions,
} from '../../src/identity/sessions-repository.ts';
import {
  findTokenByKey,
  insertToken,
  revealTokenKey,
  setTokenKey,
} from '../../src/identity/tokens-repository.ts';
import {
  findUserById,
  findUserForLogin,
  insertUser,
  listUsers,
} from '../../src/identity/users-repository.ts';
import { testBackends } from '../support/databases.ts';

const box = createSecretBox('repository-test-secret-key-0123456789abcdef');

for (const backend of testBackends()) {
  describe(`identity storage on ${backend.name}`, () => {
    let db: Database;
    before(async () => {
      db = await backend.open();
      await migrate(db);
    });
    after(async () => db.close());

    it('rejects a duplicate username with a unique violation', async () => {
      await insertUser(db, { username: 'dup' });
      await assert.rejects(insertUser(db, { username: 'dup' }), (e: { code?: string }) => e.code === '23505');
    });

    it('finds a login by username, or by an email only one account has', async () => {
      const alice = await insertUser(db, {
        username: 'alice',
        email: 'Alice@Example.com',
        passwordHash: 'x',
      });
      assert.equal((await findUserForLogin(db, 'alice'))?.user.id, alice.id);
      assert.equal((await findUserForLogin(db, 'alice@example.com'))?.user.id, alice.id);
      assert.equal((await findUserForLogin(db, 'alice@example.com'))?.passwordHash, 'x');
      await insertUser(db, { username: 'alice2', email: 'alice@example.com' });
      assert.equal(await findUserForLogin(db, 'alice@example.com'), undefined, 'a shared email names nobody');
      assert.equal(await findUserForLogin(db, ''), undefined);
    });

    it('inherits superuser status from ancestor groups, and stops at cycles', async () => {
      const user = await insertUser(db, { username: 'heir' });
      const root = await insertGroup(db, { name: 'root-admins', isSuperuser: true });
      const child = await insertGroup(db, { name: 'child', parents: [root.uuid] });
      const grandchild = await insertGroup(db, { name: 'grandchild', parents: [child.uuid] });
      assert.equal((await findUserById(db, user.id))?.isSuperuser, false);
      await addGroupMember(db, grandchild.uuid, user.id);
      assert.equal((await findUserById(db, user.id))?.isSuperuser, true);
      assert.equal(await wouldCreateCycle(db, root.uuid, [grandchild.uuid]), true);
      assert.equal(await wouldCreateCycle(db, grandchild.uuid, [root.uuid]), false);
    });

    it('pages, searches and orders users', async () => {
      for (let i = 0; i < 12; i++) await insertUser(db, { username: `page-${String(i).padStart(2, '0')}` });
      const page = await listUsers(db, { search: 'page-', ordering: '-username', limit: 5, offset: 5 });
      assert.equal(page.count, 12);
      assert.deepEqual(
        page.users.map((u) => u.username),
        ['page-06', 'page-05', 'page-04', 'page-03', 'page-02'],
      );
      const literal = await listUsers(db, { search: 'page_%', limit: 50, offset: 0 });
      assert.equal(literal.count, 0, 'LIKE wildcards in a search term are literal');
    });

    it('stores token keys only as a digest and a ciphertext', async () => {
      const owner = await insertUser(db, { username: 'token-owner' });
      const key = 'plain-key-that-must-never-be-stored-0001';
      await insertToken(db, box, { identifier: 'stored-token', intent: 'api', userId: owner.id, key });
      const dump = JSON.stringify(await db.query('SELECT * FROM tokens'));
      assert.ok(!dump.includes(key));
      assert.equal((await findTokenByKey(db, box, key))?.identifier, 'stored-token');
      assert.equal(await revealTokenKey(db, box, 'stored-token'), key);
      await setTokenKey(db, box, 'stored-token', 'replacement-key-0002-abcdefgh');
      assert.equal(await findTokenByKey(db, box, key), undefined);
      assert.equal(
        (await findTokenByKey(db, box, 'replacement-key-0002-abcdefgh'))?.identifier,
        'stored-token',
      );
    });

    it('keeps sessions server-side: revocation and expiry end them', async () => {
      const user = await insertUser(db, { username: 'session-user' });
      const a = await createSession(db, {
        userId: user.id,
        maxAgeSeconds: 3600,
        clientAddress: '127.0.0.1',
        userAgent: 'test',
      });
      const b = await createSession(db, {
        userId: user.id,
        maxAgeSeconds: 3600,
        clientAddress: '127.0.0.1',
        userAgent: 'test',
      });
      const dump = JSON.stringify(await db.query('SELECT * FROM sessions'));
      assert.ok(!dump.includes(a.cookieValue), 'the cookie value is not stored');
      assert.equal((await findLiveSession(db, a.cookieValue))?.userId, user.id);
      assert.equal((await listUserSessions(db, user.id)).length, 2);
      assert.equal(await revokeSessionByCookie(db, a.cookieValue), true);
      assert.equal(await findLiveSession(db, a.cookieValue), undefined);
      assert.equal(await revokeUserSessions(db, user.id), 1);
      assert.equal(await findLiveSession(db, b.cookieValue), undefined);
      const expired = await createSession(db, {
        userId: user.id,
        maxAgeSeconds: 0,
        clientAddress: '',
        userAgent: '',
      });
      assert.equal(await findLiveSession(db, expired.cookieValue), undefined);
    });
  });
}
