import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createSecretBox } from '../../src/identity/secret-box.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import {
  countStaticCodes,
  insertStaticDevice,
  newStaticCodes,
  useStaticCode,
} from '../../src/mfa/static-devices-repository.ts';
import { testBackends } from '../support/databases.ts';

const box = createSecretBox('static-test-secret-key-0123456789abcdefghijkl');

describe('recovery code generation', () => {
  it('makes distinct codes of the asked count and length from an unambiguous alphabet', () => {
    const codes = newStaticCodes(10, 12);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[a-hjkmnp-z2-9]{12}$/);
  });
});

for (const backend of testBackends()) {
  describe(`recovery codes on ${backend.name}`, () => {
    let db: Database;
    let alice: number;
    let bob: number;
    let device: number;
    const codes = newStaticCodes();
    const bobCodes = newStaticCodes();

    before(async () => {
      db = await backend.open();
      await migrate(db);
      alice = (await insertUser(db, { username: 'alice' })).id;
      bob = (await insertUser(db, { username: 'bob' })).id;
      device = await insertStaticDevice(db, box, { userId: alice, name: 'Recovery codes', codes });
      await insertStaticDevice(db, box, { userId: bob, name: 'Recovery codes', codes: bobCodes });
    });
    after(async () => db.close());

    it('stores keyed digests only: neither the codes nor their plain SHA-256 are in the table', async () => {
      const dump = JSON.stringify(await db.query('SELECT * FROM static_tokens'));
      for (const code of codes) assert.ok(!dump.includes(code));
      const { createHash } = await import('node:crypto');
      const plain = createHash('sha256')
        .update(codes[0] ?? '')
        .digest('hex');
      assert.ok(!dump.includes(plain));
      assert.equal(await countStaticCodes(db, device), codes.length);
    });

    it('accepts each code once, whatever its case and spacing', async () => {
      const code = codes[0] ?? '';
      const written = `${code.slice(0, 6).toUpperCase()} ${code.slice(6)}`;
      assert.equal(await useStaticCode(db, box, { userId: alice, code: written }), device);
      assert.equal(await useStaticCode(db, box, { userId: alice, code }), undefined);
      assert.equal(await countStaticCodes(db, device), codes.length - 1);
    });

    it("refuses another user's code, an empty one and an oversized one", async () => {
      assert.equal(await useStaticCode(db, box, { userId: alice, code: bobCodes[0] ?? '' }), undefined);
      assert.equal(await useStaticCode(db, box, { userId: alice, code: '  ' }), undefined);
      assert.equal(await useStaticCode(db, box, { userId: alice, code: 'a'.repeat(10_000) }), undefined);
      assert.equal(
        (await useStaticCode(db, box, { userId: bob, code: bobCodes[0] ?? '' })) !== undefined,
        true,
      );
    });

    it('lets only one of two racing requests with the same code through', async () => {
      const code = codes[1] ?? '';
      const results = await Promise.all([
        useStaticCode(db, box, { userId: alice, code }),
        useStaticCode(db, box, { userId: alice, code }),
      ]);
      assert.deepEqual(
        results.filter((r) => r !== undefined),
        [device],
      );
    });
  });
}
