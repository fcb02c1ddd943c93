import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BOOTSTRAP_TOKEN_IDENTIFIER, ensureInitialObjects, isInitialSetupOpen } from '../src/bootstrap.ts';
import { verifyPassword } from '../src/identity/passwords.ts';
import { findTokenByKey } from '../src/identity/tokens-repository.ts';
import { findPasswordHash, findUserByUsername } from '../src/identity/users-repository.ts';
import { createTestApp, type TestApp, testConfig } from './support/app.ts';
import { testBackends } from './support/databases.ts';

for (const backend of testBackends()) {
  describe(`first start on ${backend.name}`, () => {
    describe('without bootstrap settings', () => {
      let t: TestApp;
      before(async () => {
        t = await createTestApp(backend);
      });
      after(() => t.close());

      it('creates akadmin without a usable password, in the superuser group, so setup is open', async () => {
        const admin = await findUserByUsername(t.db, 'akadmin');
        assert.ok(admin);
        assert.equal(admin.hasUsablePassword, false);
        assert.equal(admin.isSuperuser, true);
        assert.equal(await isInitialSetupOpen(t.ctx), true);
      });
    });

    describe('with PALISADE_BOOTSTRAP_* (and the AUTHENTIK_ names)', () => {
      let t: TestApp;
      const token = `bootstrap-token-${Date.now()}-abcdef`;
      before(async () => {
        t = await createTestApp(backend, {
          AUTHENTIK_BOOTSTRAP_PASSWORD: 'bootstrap-password',
          PALISADE_BOOTSTRAP_TOKEN: token,
          PALISADE_BOOTSTRAP_EMAIL: 'root@example.com',
        });
      });
      after(() => t.close());

      it("sets akadmin's password and email, closing the setup flow", async () => {
        const admin = await findUserByUsername(t.db, 'akadmin');
        assert.ok(admin);
        assert.equal(admin.email, 'root@example.com');
        const hash = await findPasswordHash(t.db, admin.id);
        assert.equal((await verifyPassword(hash ?? null, 'bootstrap-password')).ok, true);
        assert.equal(await isInitialSetupOpen(t.ctx), false);
      });

      it('creates an api token with exactly the given key, which authenticates', async () => {
        const found = await findTokenByKey(t.db, t.ctx.box, token);
        assert.equal(found?.identifier, BOOTSTRAP_TOKEN_IDENTIFIER);
        assert.equal(found?.intent, 'api');
        const res = await t.app.inject({
          url: '/api/v3/admin/version/',
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(res.statusCode, 200);
      });

      it('applies only at first start: a later start with other values changes nothing', async () => {
        const config = testConfig({
          PALISADE_BOOTSTRAP_PASSWORD: 'another-password',
          PALISADE_BOOTSTRAP_EMAIL: 'other@example.com',
        });
        await ensureInitialObjects({ ...t.ctx, config }, t.app.log);
        const admin = await findUserByUsername(t.db, 'akadmin');
        assert.equal(admin?.email, 'root@example.com');
        const hash = await findPasswordHash(t.db, admin?.id ?? -1);
        assert.equal((await verifyPassword(hash ?? null, 'bootstrap-password')).ok, true);
        assert.equal((await verifyPassword(hash ?? null, 'another-password')).ok, false);
      });
    });
  });
}
