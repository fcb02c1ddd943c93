/**
 * Choosing another application than the one the proxy serves (issue 13, finding 2): mallory, whom `one`'s
 * policy refuses, holds a session of `two` and asks `one` for a page while telling the outpost, by some
 * host header, that the request is for `two`. The application, the cookie and the policy come from one host
 * only; a disagreement is refused.
 */
import assert from 'node:assert/strict';
import {
  type Attack,
  type AttackClass,
  assertRefused,
  identityOf,
  type Sent,
  sessionCookie,
} from '../attack.ts';
import { USERS, type AttackWorld } from '../world.ts';

type Lines = (w: AttackWorld) => Array<[string, string]>;
const host = (w: AttackWorld, app: 'one' | 'two') => new URL(w.origins[app]).host;

const HEADERS: Array<[string, Lines]> = [
  ['X-Forwarded-Host of two', (w) => [['X-Forwarded-Host', host(w, 'two')]]],
  ['X-Forwarded-Host of two, lowercase name', (w) => [['x-forwarded-host', host(w, 'two')]]],
  ['X-Forwarded-Host of two, uppercase value', (w) => [['X-Forwarded-Host', host(w, 'two').toUpperCase()]]],
  [
    'X-Forwarded-Host of two with a trailing dot',
    (w) => [['X-Forwarded-Host', host(w, 'two').replace(':', '.:')]],
  ],
  [
    'X-Forwarded-Host of two without the port',
    (w) => [['X-Forwarded-Host', new URL(w.origins.two).hostname]],
  ],
  ['X-Forwarded-Host "two, one"', (w) => [['X-Forwarded-Host', `${host(w, 'two')}, ${host(w, 'one')}`]]],
  [
    'X-Forwarded-Host twice (two, then one)',
    (w) => [
      ['X-Forwarded-Host', host(w, 'two')],
      ['X-Forwarded-Host', host(w, 'one')],
    ],
  ],
  ['X_Forwarded_Host of two', (w) => [['X_Forwarded_Host', host(w, 'two')]]],
  ['X-Host of two', (w) => [['X-Host', host(w, 'two')]]],
  ['X-Original-Host of two', (w) => [['X-Original-Host', host(w, 'two')]]],
  ['X-Forwarded-Server of two', (w) => [['X-Forwarded-Server', host(w, 'two')]]],
  ['Forwarded: host=two', (w) => [['Forwarded', `host=${host(w, 'two')};proto=http`]]],
  ['X-Original-URL of two', (w) => [['X-Original-URL', `${w.origins.two}/private/x`]]],
  [
    'X-Forwarded-Host and X-Original-URL of two',
    (w) => [
      ['X-Forwarded-Host', host(w, 'two')],
      ['X-Original-URL', `${w.origins.two}/private/x`],
    ],
  ],
];

/** Served to mallory on a request the application takes for `one`'s (by its Host or X-Forwarded-Host). */
function servedToMalloryAsOne(sent: Sent, world: AttackWorld): boolean {
  if (!sent.received) return false;
  if (identityOf(sent.received)['x-authentik-username'] !== USERS.mallory.username) return false;
  const seen = [sent.received.headers.host, sent.received.headers['x-forwarded-host']].map((h) =>
    String(h ?? ''),
  );
  return seen.some((h) => h.toLowerCase().startsWith(new URL(world.origins.one).hostname));
}

const attacks: Attack[] = [
  {
    name: "control: mallory's session of two serves her at two",
    run: async (ctx) => {
      const cookie = sessionCookie(ctx, ctx.sessions.mallory, 'two');
      const sent = await ctx.send('two', { target: '/private/x', headers: [['Cookie', cookie]] });
      assert.equal(
        sent.received && identityOf(sent.received)['x-authentik-username'],
        USERS.mallory.username,
      );
    },
  },
  {
    name: "control: mallory's session of two does not open one",
    run: async (ctx) => {
      const cookie = sessionCookie(ctx, ctx.sessions.mallory, 'two');
      assertRefused(await ctx.send('one', { target: '/private/x', headers: [['Cookie', cookie]] }), 'plain');
    },
  },
];
for (const [how, lines] of HEADERS)
  attacks.push({
    name: `${how}, mallory's session of two, on one: refused`,
    run: async (ctx) => {
      const cookie = sessionCookie(ctx, ctx.sessions.mallory, 'two');
      const sent = await ctx.send('one', {
        target: '/private/x',
        headers: [['Cookie', cookie], ...lines(ctx.world)],
      });
      assertRefused(sent, how);
    },
  });

/**
 * The request line names one host and the Host header another (RFC 9112 §3.2.2: an absolute-form target
 * wins over Host). Whatever host the proxy takes, mallory must never be served as if at `one`.
 */
const ABSOLUTE: Array<[string, (w: AttackWorld) => { target: string; host: string }]> = [
  [
    'absolute-form target of one, Host of two',
    (w) => ({ target: `${w.origins.one}/private/x`, host: host(w, 'two') }),
  ],
  [
    'absolute-form target of two, Host of one',
    (w) => ({ target: `${w.origins.two}/private/x`, host: host(w, 'one') }),
  ],
  [
    'absolute-form target of ONE (uppercase), Host of two',
    (w) => ({
      target: `${w.origins.one.toUpperCase().replace('HTTP', 'http')}/private/x`,
      host: host(w, 'two'),
    }),
  ],
];
for (const [how, request] of ABSOLUTE)
  attacks.push({
    name: `${how}, mallory's session of two: never served as one`,
    run: async (ctx) => {
      const cookie = sessionCookie(ctx, ctx.sessions.mallory, 'two');
      const sent = await ctx.send('one', { ...request(ctx.world), headers: [['Cookie', cookie]] });
      assert.ok(
        !servedToMalloryAsOne(sent, ctx.world),
        `${how}: served ${JSON.stringify(sent.received?.headers)}`,
      );
      assert.ok(sent.response.status < 500, `${how}: ${sent.response.status}`);
    },
  });

/** Host disagreement. */
export const hostDisagreement: AttackClass = { name: 'host disagreement', attacks };
