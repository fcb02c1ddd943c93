import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hashPassword,
  isUsablePassword,
  MAX_PASSWORD_LENGTH,
  PASSWORD_PARAMETERS,
  verifyPassword,
} from '../../src/identity/passwords.ts';
import { legacyArgon2Hash } from '../support/legacy-hash.ts';

describe('passwords', () => {
  it('hashes with argon2id in PHC form, salted, and verifies', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.deepEqual(await verifyPassword(a, 'correct horse'), { ok: true, needsRehash: false });
    assert.deepEqual(await verifyPassword(a, 'correct horsE'), { ok: false, needsRehash: false });
  });

  it('flags a hash made with older parameters for rehash', async () => {
    const old = legacyArgon2Hash('old password');
    assert.notEqual(PASSWORD_PARAMETERS.memory, 8192);
    assert.deepEqual(await verifyPassword(old, 'old password'), { ok: true, needsRehash: true });
    assert.deepEqual(await verifyPassword(old, 'wrong'), { ok: false, needsRehash: false });
  });

  it('never matches unusable or malformed stored values', async () => {
    for (const stored of [null, '', '!', '!unusable', 'plaintext', '$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA']) {
      assert.equal(isUsablePassword(stored), false, String(stored));
      assert.equal((await verifyPassword(stored, '')).ok, false);
      assert.equal((await verifyPassword(stored, 'plaintext')).ok, false);
    }
    assert.equal(isUsablePassword(await hashPassword('x')), true);
  });

  it('refuses to hash absurdly long passwords and never matches them', async () => {
    const long = 'a'.repeat(MAX_PASSWORD_LENGTH + 1);
    await assert.rejects(hashPassword(long), RangeError);
    assert.equal((await verifyPassword(await hashPassword('a'), long)).ok, false);
  });
});
