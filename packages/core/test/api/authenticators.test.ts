import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { insertStaticDevice, newStaticCodes } from '../../src/mfa/static-devices-repository.ts';
import { newTotpSecret, TOTP_DEFAULTS } from '../../src/mfa/totp.ts';
import { insertTotpDevice } from '../../src/mfa/totp-devices-repository.ts';
import { insertWebAuthnDevice } from '../../src/mfa/webauthn-devices-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

interface Page<T> {
  results: T[];
  pagination: { count: number };
}
interface KindDevice {
  pk: number;
  name: string;
  user: { pk: number; username: string };
  token_set?: unknown[];
  aaguid?: string;
}
interface AnyDevice {
  pk: string;
  name: string;
  type: string;
  meta_model_name: string;
  confirmed: boolean;
}

for (const backend of testBackends()) {
  describe(`authenticators API on ${backend.name}`, () => {
    let t: TestApp;
    let admin: ReturnType<typeof apiClient>;
    let alice: ReturnType<typeof apiClient>;
    let aliceId: number;
    let bobId: number;
    const ids = { aliceTotp: 0, aliceStatic: 0, aliceKey: 0, bobTotp: 0, bobStatic: 0 };

    before(async () => {
      t = await createTestApp(backend);
      admin = apiClient(t.app, t.adminHeaders);
      const { db, ctx } = t;
      aliceId = (await insertUser(db, { username: 'alice' })).id;
      bobId = (await insertUser(db, { username: 'bob' })).id;
      const key = `alice-api-key-${Date.now()}-0123456789`;
      await insertToken(db, ctx.box, {
        identifier: 'alice',
        intent: 'api',
        userId: aliceId,
        key,
        expiring: false,
      });
      alice = apiClient(t.app, { authorization: `Bearer ${key}` });
      const totp = (userId: number) =>
        insertTotpDevice(db, ctx.box, {
          userId,
          name: 'Phone',
          parameters: { secret: newTotpSecret(), ...TOTP_DEFAULTS },
          confirmed: true,
        });
      const codes = (userId: number) =>
        insertStaticDevice(db, ctx.box, { userId, name: 'Recovery codes', codes: newStaticCodes() });
      ids.aliceTotp = await totp(aliceId);
      ids.bobTotp = await totp(bobId);
      ids.aliceStatic = await codes(aliceId);
      ids.bobStatic = await codes(bobId);
      ids.aliceKey = await insertWebAuthnDevice(db, {
        userId: aliceId,
        name: 'Laptop passkey',
        credentialId: 'Y3JlZGVudGlhbC1pZA',
        publicKey: new Uint8Array(Buffer.from('cose-public-key')),
        signCount: 0,
        transports: ['internal'],
        aaguid: '01020304-0506-0708-090a-0b0c0d0e0f10',
        discoverable: true,
        backedUp: false,
      });
    });
    after(() => t.close());

    it("lists only the signed-in user's own devices of each kind", async () => {
      const totp = (await alice.get('/api/v3/authenticators/totp/')).json() as Page<KindDevice>;
      assert.deepEqual(
        totp.results.map((d) => [d.pk, d.user.username]),
        [[ids.aliceTotp, 'alice']],
      );
      const codes = (await alice.get('/api/v3/authenticators/static/')).json() as Page<KindDevice>;
      assert.deepEqual(
        codes.results.map((d) => d.pk),
        [ids.aliceStatic],
      );
      assert.deepEqual(codes.results[0]?.token_set, [], 'recovery codes are never shown again');
      const keys = (await alice.get('/api/v3/authenticators/webauthn/')).json() as Page<KindDevice>;
      assert.deepEqual(
        keys.results.map((d) => [d.pk, d.aaguid]),
        [[ids.aliceKey, '01020304-0506-0708-090a-0b0c0d0e0f10']],
      );
    });

    it('lists all kinds together in /authenticators/all/', async () => {
      const all = (await alice.get('/api/v3/authenticators/all/')).json() as AnyDevice[];
      assert.deepEqual(
        all.map((d) => [d.meta_model_name.split('.')[1], d.pk, d.confirmed]),
        [
          ['totpdevice', String(ids.aliceTotp), true],
          ['staticdevice', String(ids.aliceStatic), true],
          ['webauthndevice', String(ids.aliceKey), true],
        ],
      );
    });

    it("answers 404 for another user's device, to read, rename or delete", async () => {
      const url = `/api/v3/authenticators/totp/${ids.bobTotp}/`;
      assert.equal((await alice.get(url)).statusCode, 404);
      assert.equal((await alice.patch(url, { name: 'mine now' })).statusCode, 404);
      assert.equal((await alice.delete(url)).statusCode, 404);
      const bob = (await admin.get(`/api/v3/authenticators/admin/totp/${ids.bobTotp}/`)).json() as KindDevice;
      assert.equal(bob.name, 'Phone', 'the refused rename changed nothing');
    });

    it('renames a device, and refuses an empty, oversized or unknown field', async () => {
      const url = `/api/v3/authenticators/totp/${ids.aliceTotp}/`;
      const renamed = await alice.patch(url, { name: 'Work phone' });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal((renamed.json() as KindDevice).name, 'Work phone');
      assert.equal((await alice.put(url, { name: 'Old phone' })).statusCode, 200);
      for (const body of [{ name: '' }, { name: 'x'.repeat(65) }, { name: 'ok', user: bobId }, {}]) {
        const res = await alice.put(url, body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
      }
      const long = await alice.patch(`/api/v3/authenticators/webauthn/${ids.aliceKey}/`, {
        name: 'k'.repeat(200),
      });
      assert.equal(long.statusCode, 200, 'WebAuthn names may be 200 characters');
      assert.equal((await alice.get(url)).json<KindDevice>().name, 'Old phone');
    });

    it('answers unknown and malformed ids with 404 and 400, never 500', async () => {
      assert.equal((await alice.get('/api/v3/authenticators/static/999999/')).statusCode, 404);
      assert.equal((await alice.get('/api/v3/authenticators/static/abc/')).statusCode, 400);
      assert.equal((await alice.get('/api/v3/authenticators/static/99999999999999/')).statusCode, 400);
      assert.equal((await alice.delete('/api/v3/authenticators/webauthn/0/')).statusCode, 400);
      assert.equal(
        (await alice.get(`/api/v3/authenticators/static/${ids.aliceStatic}/used_by/`)).statusCode,
        200,
      );
    });

    it('keeps the admin paths for admins, and every path for signed-in callers', async () => {
      assert.equal((await alice.get('/api/v3/authenticators/admin/totp/')).statusCode, 403);
      assert.equal((await alice.get(`/api/v3/authenticators/admin/all/?user=${bobId}`)).statusCode, 403);
      assert.equal((await alice.delete(`/api/v3/authenticators/admin/totp/${ids.bobTotp}/`)).statusCode, 403);
      const anonymous = apiClient(t.app, {});
      assert.equal((await anonymous.get('/api/v3/authenticators/all/')).statusCode, 403);
      assert.equal((await anonymous.get('/api/v3/authenticators/totp/')).statusCode, 403);
    });

    it("lets an admin list and remove a user's devices", async () => {
      const bobs = (await admin.get(`/api/v3/authenticators/admin/all/?user=${bobId}`)).json() as AnyDevice[];
      assert.deepEqual(
        bobs.map((d) => d.pk),
        [String(ids.bobTotp), String(ids.bobStatic)],
      );
      const everyone = (await admin.get('/api/v3/authenticators/admin/totp/')).json() as Page<KindDevice>;
      assert.deepEqual(everyone.results.map((d) => d.user.username).sort(), ['alice', 'bob']);
      assert.equal(
        (await admin.delete(`/api/v3/authenticators/admin/static/${ids.bobStatic}/`)).statusCode,
        204,
      );
      assert.equal(
        (await admin.delete(`/api/v3/authenticators/admin/static/${ids.bobStatic}/`)).statusCode,
        404,
      );
      const left = (await admin.get(`/api/v3/authenticators/admin/all/?user=${bobId}`)).json() as AnyDevice[];
      assert.deepEqual(
        left.map((d) => d.pk),
        [String(ids.bobTotp)],
      );
      const rows = await t.db.query('SELECT 1 FROM static_tokens WHERE device_id = $1', [ids.bobStatic]);
      assert.equal(rows.length, 0, "the device's codes went with it");
    });

    it('lets a user delete their own device', async () => {
      assert.equal((await alice.delete(`/api/v3/authenticators/webauthn/${ids.aliceKey}/`)).statusCode, 204);
      assert.equal((await alice.get(`/api/v3/authenticators/webauthn/${ids.aliceKey}/`)).statusCode, 404);
      const all = (await alice.get('/api/v3/authenticators/all/')).json() as AnyDevice[];
      assert.equal(all.length, 2);
    });
  });
}
