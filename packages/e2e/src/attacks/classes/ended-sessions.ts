/**
 * Sessions that have ended: signed out at the outpost (its path, or the logout signature on any path),
 * ended at the core, or past their token's expiry. A client that kept the cookie is refused.
 */
import assert from 'node:assert/strict';
import {
  type Attack,
  type AttackClass,
  type AttackContext,
  assertRefused,
  assertServedAs,
  sessionCookie,
} from '../attack.ts';
import { headerOf } from '../raw-http.ts';
import { SHORT_SESSION_SECONDS, USERS } from '../world.ts';

/** Signs a fresh alice session in at `one`, checks it works, and answers its cookie and visitor. */
async function freshSession(ctx: AttackContext) {
  const visitor = await ctx.sessions.leaving();
  const cookie = sessionCookie(ctx, visitor, 'one');
  assertServedAs(
    await ctx.send('one', { target: '/private/s', headers: [['Cookie', cookie]] }),
    USERS.alice.username,
    'fresh session',
  );
  return { visitor, cookie };
}

/** Refused now, or — for a change that travels from the core to the outposts — within `withinMs`. */
async function refusedWithin(
  ctx: AttackContext,
  cookie: string,
  withinMs: number,
  why: string,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const sent = await ctx.send('one', { target: '/private/after', headers: [['Cookie', cookie]] });
    if (sent.received === undefined || Date.now() > deadline) return assertRefused(sent, why);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const attacks: Attack[] = [
  {
    name: 'signed out at /outpost.goauthentik.io/sign_out: the kept cookie is refused at once',
    run: async (ctx) => {
      const { visitor, cookie } = await freshSession(ctx);
      const out = await visitor.fetch(`${ctx.world.origins.one}/outpost.goauthentik.io/sign_out`);
      assert.equal(out.status, 302, `sign_out answered ${out.status}`);
      assert.match(headerOf(out, 'location') ?? '', /\/end-session\//);
      await refusedWithin(ctx, cookie, 0, 'after sign_out');
    },
  },
  {
    name: 'signed out with ?X-authentik-logout=true on a protected path: the kept cookie is refused at once',
    // nginx's auth_request can only answer 200 or 401, so the signature works only where a redirect can.
    only: (kind) => kind !== 'nginx' && kind !== 'ingress-nginx',
    run: async (ctx) => {
      const { visitor, cookie } = await freshSession(ctx);
      const out = await visitor.fetch(`${ctx.world.origins.one}/private/x?X-authentik-logout=true`);
      assert.ok(out.status === 302, `logout signature answered ${out.status}`);
      await refusedWithin(ctx, cookie, 0, 'after the logout signature');
    },
  },
  {
    name: 'signed out at the core: the kept cookie is refused within a second',
    run: async (ctx) => {
      const { visitor, cookie } = await freshSession(ctx);
      await visitor.signOutAtCore(ctx.world.coreUrl);
      await refusedWithin(ctx, cookie, 1000, 'after the core sign-out');
    },
  },
  {
    name: `past the token's expiry (${SHORT_SESSION_SECONDS} s): the kept cookie is refused`,
    run: async (ctx) => {
      const cookie = sessionCookie(ctx, ctx.sessions.alice, 'short');
      const wait = ctx.sessions.shortSignedInAt + SHORT_SESSION_SECONDS * 1000 + 1500 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      assertRefused(
        await ctx.send('short', { target: '/private/late', headers: [['Cookie', cookie]] }),
        'expired',
      );
    },
  },
];

/** Ended sessions. */
export const endedSessions: AttackClass = { name: 'expired and revoked sessions', attacks };
