import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { pooledRandomBytes } from '../src/proxy/session/random-pool.ts';
import { createSessionSealer, type SessionPayload } from '../src/proxy/session/sealed-session.ts';

/**
 * The sealed cookie's plaintext is raw deflate (RFC 1951). Small payloads are written as one stored block by
 * hand and read back without zlib; these tests hold that to the format zlib itself reads and writes, so
 * cookies sealed either way open either way.
 */

const SECRET = 'S'.repeat(40);
const CLIENT = 'client-id';
const NAME = 'authentik_proxy_test';

/** Opens a cookie the way any raw-deflate reader would, to see the plaintext the sealer wrote. */
function plaintextOf(value: string): Buffer {
  const key = Buffer.from(
    hkdfSync('sha256', SECRET, 'palisade/outpost/session', `session-cookie/v1/${CLIENT}`, 32),
  );
  const raw = Buffer.from(value, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(NAME));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}

/** Seals `plain` (already compressed) as the sealer's format does, for cookies written by zlib. */
function sealRaw(plain: Buffer): string {
  const key = createSecretKey(
    Buffer.from(hkdfSync('sha256', SECRET, 'palisade/outpost/session', `session-cookie/v1/${CLIENT}`, 32)),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(NAME));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

describe('sealed session format', () => {
  const sealer = createSessionSealer(SECRET, CLIENT, NAME);
  const small: SessionPayload = { v: 1, sid: 'a'.repeat(43), created: 1_700_000_000 };
  const large: SessionPayload = { ...small, token: 'x.'.repeat(2000) };

  it('writes a small payload as a stored block that zlib reads, and a large one deflated', () => {
    const stored = plaintextOf(sealer.seal(small));
    assert.equal(stored[0], 0x01, 'BFINAL=1, BTYPE=00');
    assert.deepEqual(JSON.parse(inflateRawSync(stored).toString('utf8')), small);
    const deflated = plaintextOf(sealer.seal(large));
    assert.ok(deflated.length < JSON.stringify(large).length / 4, 'the token is compressed');
    assert.deepEqual(JSON.parse(inflateRawSync(deflated).toString('utf8')), large);
  });

  it('opens cookies whose plaintext zlib wrote, small or large (sealed before the stored fast path)', () => {
    for (const payload of [small, large])
      assert.deepEqual(sealer.open(sealRaw(deflateRawSync(JSON.stringify(payload)))), payload);
    // zlib's own stored block (level 0) is read by the fast path's format check too.
    assert.deepEqual(sealer.open(sealRaw(deflateRawSync(JSON.stringify(small), { level: 0 }))), small);
  });

  it('refuses a stored block whose lengths disagree, instead of reading past them', () => {
    const json = Buffer.from(JSON.stringify(small));
    const header = Buffer.from([0x01, 0, 0, 0, 0]);
    header.writeUInt16LE(json.length + 3, 1);
    header.writeUInt16LE(~(json.length + 3) & 0xffff, 3);
    assert.equal(sealer.open(sealRaw(Buffer.concat([header, json]))), undefined);
  });
});

describe('pooled random bytes', () => {
  it('hands out fresh bytes of the size asked, never the same twice, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const bytes = pooledRandomBytes(32);
      assert.equal(bytes.length, 32);
      const hex = bytes.toString('hex');
      assert.ok(!seen.has(hex), 'a repeated value');
      seen.add(hex);
    }
    assert.equal(pooledRandomBytes(10_000).length, 10_000, 'larger than the pool');
  });

  it('gives each caller its own copy: changing it changes nothing handed out later', () => {
    const first = pooledRandomBytes(16);
    first.fill(0);
    const next = pooledRandomBytes(16);
    assert.notDeepEqual(next, Buffer.alloc(16));
    assert.equal(next.buffer === first.buffer && next.byteOffset === first.byteOffset, false);
  });
});
