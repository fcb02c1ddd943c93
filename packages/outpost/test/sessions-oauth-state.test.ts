import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createStateCodec, STATE_LIFETIME_SECONDS } from '../src/proxy/session/oauth-state.ts';

const SECRET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const NOW = Date.UTC(2026, 0, 1);

describe('the OAuth state (signed with node:crypto, verified by jose)', () => {
  it('is a standard HS256 JWT under the cookie secret, with issuer and lifetime', async () => {
    const codec = createStateCodec(SECRET, 'client-1', () => NOW);
    const jwt = await codec.sign({ sid: 'sid-1', redirect: 'https://app.example.com/x?y=1', attempt: 1 });
    assert.deepEqual(decodeProtectedHeader(jwt), { alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(SECRET), {
      algorithms: ['HS256'],
      currentDate: new Date(NOW),
    });
    assert.equal(payload.iss, 'goauthentik.io/outpost/client-1');
    assert.equal(payload.exp, NOW / 1000 + STATE_LIFETIME_SECONDS);
    assert.match(String(payload.state), /^[\w-]{43}$/);
    assert.deepEqual(await codec.verify(jwt, 'sid-1'), {
      state: { sid: 'sid-1', redirect: 'https://app.example.com/x?y=1', attempt: 1 },
    });
  });

  it('refuses a state that was altered, signed for another client or secret, expired, or of another session', async () => {
    let now = NOW;
    const codec = createStateCodec(SECRET, 'client-1', () => now);
    const jwt = await codec.sign({ sid: 'sid-1', redirect: '', attempt: 0 });
    const [header, , signature] = jwt.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...decodeJwt(jwt), redirect: 'https://evil.test/' }),
    ).toString('base64url');
    assert.equal((await codec.verify(`${header}.${forged}.${signature}`, 'sid-1')).reason, 'invalid state');
    const otherClient = await createStateCodec(SECRET, 'client-2', () => now).sign({
      sid: 'sid-1',
      redirect: '',
      attempt: 0,
    });
    assert.equal((await codec.verify(otherClient, 'sid-1')).reason, 'invalid state');
    const otherSecret = await createStateCodec(
      'another-secret-0123456789abcdefgh',
      'client-1',
      () => now,
    ).sign({
      sid: 'sid-1',
      redirect: '',
      attempt: 0,
    });
    assert.equal((await codec.verify(otherSecret, 'sid-1')).reason, 'invalid state');
    assert.equal((await codec.verify(jwt, 'sid-2')).reason, 'mismatched session ID');
    now = NOW + (STATE_LIFETIME_SECONDS + 1) * 1000;
    assert.equal((await codec.verify(jwt, 'sid-1')).reason, 'invalid state');
  });
});
