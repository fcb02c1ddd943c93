import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createSecretBox } from '../../src/identity/secret-box.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { confirmDevice } from '../../src/mfa/devices-repository.ts';
import { newTotpSecret, TOTP_DEFAULTS, totpCodeAt, totpStepOf, totpUri } from '../../src/mfa/totp.ts';
import { insertTotpDevice, verifyTotpCode } from '../../src/mfa/totp-devices-repository.ts';
import { testBackends } from '../support/databases.ts';

const box = createSecretBox('totp-test-secret-key-0123456789abcdefghijkl');

describe('TOTP arithmetic (RFC 6238)', () => {
  // RFC 6238 Appendix B: the SHA1 seed "12345678901234567890", 8 digits.
  const rfc = {
    secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    digits: 8,
    period: 30,
    algorithm: 'SHA1',
  } as const;

  it('produces the RFC test vectors', () => {
    assert.equal(totpCodeAt(rfc, 59_000), '94287082');
    assert.equal(totpCodeAt(rfc, 1_111_111_109_000), '07081804');
    assert.equal(totpCodeAt(rfc, 2_000_000_000_000), '69279037');
  });

  it('accepts the steps just before and after, and nothing further', () => {
    const now = 1_111_111_109_000;
    const step = Math.floor(now / 30_000);
    assert.equal(totpStepOf(rfc, totpCodeAt(rfc, now), now), step);
    assert.equal(totpStepOf(rfc, totpCodeAt(rfc, now - 30_000), now), step - 1);
    assert.equal(totpStepOf(rfc, totpCodeAt(rfc, now + 30_000), now), step + 1);
    assert.equal(totpStepOf(rfc, totpCodeAt(rfc, now - 60_000), now), undefined);
    assert.equal(totpStepOf(rfc, totpCodeAt(rfc, now + 60_000), now), undefined);
  });

  it('never matches a code of the wrong length or with other characters', () => {
    const now = 59_000;
    assert.equal(totpStepOf(rfc, '4287082', now), undefined);
    assert.equal(totpStepOf(rfc, '942870820', now), undefined);
    assert.equal(totpStepOf(rfc, '9428708a', now), undefined);
    assert.equal(totpStepOf(rfc, '', now), undefined);
  });

  it('writes an otpauth URI with the defaults authenticator apps expect', () => {
    const secret = newTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri({ secret, ...TOTP_DEFAULTS }, 'alice', 'Palisade'));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(decodeURIComponent(uri.pathname), '/Palisade:alice');
    assert.equal(uri.searchParams.get('secret'), secret);
    assert.equal(uri.searchParams.get('digits'), '6');
    assert.equal(uri.searchParams.get('period'), '30');
    assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  });
});

for (const backend of testBackends()) {
  describe(`TOTP devices on ${backend.name}`, () => {
    let db: Database;
    let alice: number;
    let bob: number;
    const parameters = { secret: newTotpSecret(), ...TOTP_DEFAULTS };
    const bobParameters = { secret: newTotpSecret(), ...TOTP_DEFAULTS };
    let device: number;
    const now = Date.now();

    before(async () => {
      db = await backend.open();
      await migrate(db);
      alice = (await insertUser(db, { username: 'alice' })).id;
      bob = (await insertUser(db, { username: 'bob' })).id;
      device = await insertTotpDevice(db, box, { userId: alice, name: 'phone', parameters });
      await insertTotpDevice(db, box, {
        userId: bob,
        name: 'phone',
        parameters: bobParameters,
        confirmed: true,
      });
    });
    after(async () => db.close());

    it('keeps the secret sealed: the stored row does not contain it', async () => {
      const rows = await db.query<Record<string, unknown>>('SELECT * FROM totp_devices WHERE id = $1', [
        device,
      ]);
      assert.ok(!JSON.stringify(rows).includes(parameters.secret));
    });

    it('accepts an unconfirmed device only when named (its setup)', async () => {
      const code = totpCodeAt(parameters, now - 30_000);
      assert.equal(await verifyTotpCode(db, box, { userId: alice, code, nowMs: now }), undefined);
      assert.equal(
        await verifyTotpCode(db, box, { userId: alice, code, onlyDeviceId: device, nowMs: now }),
        device,
      );
      await confirmDevice(db, 'totp', device);
    });

    it('refuses a code used once, and any older code, the second time', async () => {
      const code = totpCodeAt(parameters, now);
      assert.equal(await verifyTotpCode(db, box, { userId: alice, code, nowMs: now }), device);
      assert.equal(await verifyTotpCode(db, box, { userId: alice, code, nowMs: now }), undefined);
      // The previous step's code is still within the window, but older than the one just used.
      const older = totpCodeAt(parameters, now - 30_000);
      assert.equal(await verifyTotpCode(db, box, { userId: alice, code: older, nowMs: now }), undefined);
      const next = totpCodeAt(parameters, now + 30_000);
      assert.equal(await verifyTotpCode(db, box, { userId: alice, code: next, nowMs: now }), device);
    });

    it("refuses another user's code", async () => {
      const code = totpCodeAt(bobParameters, now);
      assert.equal(await verifyTotpCode(db, box, { userId: alice, code, nowMs: now }), undefined);
      assert.ok(await verifyTotpCode(db, box, { userId: bob, code, nowMs: now }));
    });

    it('lets only one of two racing requests with the same code through', async () => {
      const later = now + 10 * 60_000;
      const code = totpCodeAt(parameters, later);
      const results = await Promise.all([
        verifyTotpCode(db, box, { userId: alice, code, nowMs: later }),
        verifyTotpCode(db, box, { userId: alice, code, nowMs: later }),
      ]);
      assert.deepEqual(
        results.filter((r) => r !== undefined),
        [device],
      );
    });
  });
}
