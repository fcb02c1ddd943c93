import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createOpenedSessions } from '../src/proxy/session/opened-sessions.ts';
import { coreSessionKey, createRevocations, outpostSessionKey } from '../src/proxy/session/revocations.ts';
import { readSession } from '../src/proxy/session/session-store.ts';
import { applicationFor, providerConfig } from './support/configs.ts';

const NOW = Date.UTC(2026, 0, 1);

async function sealedToken(app: ReturnType<typeof applicationFor>, exp: number, sid = 'core-sid-1') {
  const token = await new SignJWT({ preferred_username: 'alice', sid })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice-sub')
    // As every stored token does (verified at callback): the session-store checks it names this client.
    .setAudience(app.config.client_id)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode('irrelevant: the cookie is trusted once it opens'));
  return app.sealer.seal({ v: 1, sid: 'outpost-sid-1', created: NOW / 1000, token });
}

describe('opened session cookies are kept, never trusted beyond what they are', () => {
  it('answers a second read from the cache, still checking revocation and expiry each time', async () => {
    let now = NOW;
    const app = applicationFor(providerConfig());
    const ctx = {
      now: () => now,
      revocations: createRevocations(() => now),
      openedSessions: createOpenedSessions(() => now),
    };
    const value = await sealedToken(app, NOW / 1000 + 600);
    const cookies = new Map([[app.jar.name, value]]);
    assert.equal(readSession(app, cookies, ctx).session?.claims?.preferred_username, 'alice');
    assert.equal(ctx.openedSessions.size, 1);
    assert.equal(readSession(app, cookies, ctx).session?.claims?.preferred_username, 'alice');
    assert.equal(ctx.openedSessions.size, 1, 'the same value is one entry');

    ctx.revocations.revoke(coreSessionKey('core-sid-1'));
    assert.equal(readSession(app, cookies, ctx).problem, 'revoked', 'a cached session is still revoked');

    const other = { ...ctx, revocations: createRevocations(() => now) };
    now = NOW + 601_000;
    assert.equal(readSession(app, cookies, other).problem, 'expired', 'a cached session still expires');
  });

  it('does not answer for an application built again with another cookie_secret', async () => {
    const before = applicationFor(providerConfig());
    const ctx = {
      now: () => NOW,
      revocations: createRevocations(() => NOW),
      openedSessions: createOpenedSessions(() => NOW),
    };
    const value = await sealedToken(before, NOW / 1000 + 600);
    const cookies = new Map([[before.jar.name, value]]);
    assert.ok(readSession(before, cookies, ctx).session?.claims);
    const rotated = applicationFor(providerConfig({ cookie_secret: 'ZYXWVUTSRQPONMLKJIHGFEDCBA987654' }));
    assert.equal(rotated.jar.name, before.jar.name, 'same client: same cookie name');
    assert.equal(readSession(rotated, cookies, ctx).problem, 'malformed');
  });

  it('keeps nothing for a value that does not open, and reports a locally signed-out session', async () => {
    const app = applicationFor(providerConfig());
    const ctx = {
      now: () => NOW,
      revocations: createRevocations(() => NOW),
      openedSessions: createOpenedSessions(() => NOW),
    };
    assert.equal(readSession(app, new Map([[app.jar.name, 'garbage-value']]), ctx).problem, 'malformed');
    assert.equal(ctx.openedSessions.size, 0);
    const value = await sealedToken(app, NOW / 1000 + 600);
    const cookies = new Map([[app.jar.name, value]]);
    assert.ok(readSession(app, cookies, ctx).session?.claims);
    ctx.revocations.revoke(outpostSessionKey('outpost-sid-1'));
    assert.equal(readSession(app, cookies, ctx).problem, 'revoked');
  });
});
