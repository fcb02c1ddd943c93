import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { cookieNameFor } from '../src/proxy/app/application.ts';
import { parseCookies, serializeCookie } from '../src/proxy/session/cookies.ts';
import { createRevocations } from '../src/proxy/session/revocations.ts';
import { createSessionSealer } from '../src/proxy/session/sealed-session.ts';
import { CHUNK_LENGTH, readSessionValue, writeSessionCookies } from '../src/proxy/session/session-cookie.ts';

const NAME = 'authentik_proxy_0123abcd';
const jar = { name: NAME, attributes: { isSecure: true, domain: 'example.com' } };

/** Cookies a browser would send back for Set-Cookie lines. */
const sentBack = (lines: string[]) =>
  parseCookies(
    lines
      .filter((line) => !/Max-Age=0/.test(line))
      .map((line) => line.split(';')[0])
      .join('; '),
  );

describe('session cookies', () => {
  it('names the cookie after the first 8 hex digits of SHA-256(client_id)', () => {
    // sha256("client") = 948fe603f61dc036b5c596dc09fe3ce3f3d30dc90f024c85f3c82db2ccab679d
    assert.equal(cookieNameFor('client'), 'authentik_proxy_948fe603');
  });

  it('writes the attributes of spec §4.1', () => {
    assert.equal(
      serializeCookie(NAME, 'v', { isSecure: true, domain: 'example.com', maxAge: 601 }),
      `${NAME}=v; Path=/; Domain=example.com; Max-Age=601; HttpOnly; Secure; SameSite=Lax`,
    );
    assert.equal(
      serializeCookie(NAME, 'v', { isSecure: false }),
      `${NAME}=v; Path=/; HttpOnly; SameSite=Lax`,
    );
  });

  it('opens what it sealed, and nothing tampered, truncated, foreign or renamed', () => {
    const sealer = createSessionSealer('A'.repeat(32), 'client', NAME);
    const payload = { v: 1 as const, sid: 'sid-1', created: 1, token: 'a.b.c' };
    const sealed = sealer.seal(payload);
    assert.deepEqual(sealer.open(sealed), payload);
    const flipped = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
    assert.equal(sealer.open(flipped), undefined);
    assert.equal(sealer.open(sealed.slice(0, -4)), undefined);
    assert.equal(sealer.open('not base64url at all!'), undefined);
    assert.equal(
      createSessionSealer('B'.repeat(32), 'client', NAME).open(sealed),
      undefined,
      'another secret',
    );
    assert.equal(
      createSessionSealer('A'.repeat(32), 'other', NAME).open(sealed),
      undefined,
      'another provider',
    );
    assert.equal(
      createSessionSealer('A'.repeat(32), 'client', `${NAME}x`).open(sealed),
      undefined,
      'another cookie',
    );
    assert.equal(
      createSessionSealer('A'.repeat(32), 'client', NAME).open(sealed)?.sid,
      'sid-1',
      'same config',
    );
  });

  it('splits a large value across chunks that each fit in 4096 bytes, and reads it back', () => {
    const value = randomBytes(8_000).toString('base64url');
    const lines = writeSessionCookies(jar, value, 300, new Map()) ?? [];
    assert.equal(lines.length, Math.ceil(value.length / CHUNK_LENGTH));
    for (const line of lines) assert.ok(Buffer.byteLength(line) < 4096, `${Buffer.byteLength(line)} bytes`);
    assert.deepEqual(
      lines.map((line) => line.split('=')[0]),
      [NAME, `${NAME}_1`, `${NAME}_2`],
    );
    assert.equal(readSessionValue(sentBack(lines), NAME), value);
  });

  it('clears stale chunks when a smaller session replaces a larger one', () => {
    const big = writeSessionCookies(jar, 'x'.repeat(CHUNK_LENGTH * 3 + 1), 300, new Map()) ?? [];
    const lines = writeSessionCookies(jar, 'small', 300, sentBack(big)) ?? [];
    assert.equal(lines.length, 4);
    assert.ok(lines[0]?.startsWith(`${NAME}=small;`));
    for (const index of [1, 2, 3])
      assert.match(lines[index] ?? '', new RegExp(`^${NAME}_${index}=; .*Max-Age=0`));
  });

  it('refuses a session that would need more than the allowed cookies', () => {
    assert.equal(writeSessionCookies(jar, 'x'.repeat(CHUNK_LENGTH * 9), 300, new Map()), undefined);
  });

  it('keeps revocations until the latest token expiry seen, within a bound', () => {
    let now = 1_000_000;
    let evicted = 0;
    const list = createRevocations(() => now, {
      maxEntries: 3,
      minimumSeconds: 10,
      onEvict: (n) => (evicted += n),
    });
    list.observeExpiry(now / 1000 + 3600);
    list.revoke('core:a');
    now += 60_000;
    assert.equal(list.isRevoked('core:a'), true, 'still within the longest token lifetime');
    now += 3600_000;
    assert.equal(list.isRevoked('core:a'), false, 'gone once every token it could apply to expired');
    for (const key of ['b', 'c', 'd', 'e']) list.revoke(key);
    assert.equal(list.size, 3);
    assert.equal(evicted, 1);
    assert.equal(list.isRevoked('e'), true);
  });
});
