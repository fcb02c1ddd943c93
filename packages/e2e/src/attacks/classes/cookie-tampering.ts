/**
 * Tampered, truncated and foreign outpost cookies: none opens a session (the cookie is sealed with
 * AES-256-GCM under a key of the provider and bound to its name), and another application's session,
 * whatever name it is sent under, never opens `one`.
 */
import assert from 'node:assert/strict';
import {
  type Attack,
  type AttackClass,
  type AttackContext,
  assertRefused,
  assertServedAs,
} from '../attack.ts';
import { USERS, type Hosts } from '../world.ts';
import type { Visitor } from '../visitor.ts';

/** The first outpost cookie of a visitor for `app`: its name and value. */
function cookieOf(ctx: AttackContext, visitor: Visitor, app: keyof Hosts): [string, string] {
  const [first] = visitor.cookies(new URL(ctx.world.origins[app]).hostname, 'authentik_proxy_');
  assert.ok(first, `no outpost cookie for ${app}`);
  return first;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The value with the character at `at` changed in its high bit (so the decoded bytes change: a low bit of
 * the last character may be padding that decoders ignore, which would not be tampering at all).
 */
const flip = (value: string, at: number) => {
  const i = ((at % value.length) + value.length) % value.length;
  const index = BASE64.indexOf((value[i] ?? 'A').replace('-', '+').replace('_', '/'));
  const c = BASE64[(index < 0 ? 0 : index) ^ 32] ?? 'A';
  return value.slice(0, i) + c + value.slice(i + 1);
};

/** Ways to damage alice's `one` cookie value. */
const DAMAGE: Array<[string, (value: string) => string]> = [
  ['first byte flipped', (v) => flip(v, 0)],
  ['fifth byte flipped', (v) => flip(v, 4)],
  ['twelfth byte flipped (the nonce)', (v) => flip(v, 11)],
  ['a middle byte flipped', (v) => flip(v, Math.floor(v.length / 2))],
  ['second-last byte flipped (the tag)', (v) => flip(v, -2)],
  ['last byte flipped', (v) => flip(v, -1)],
  ['truncated by one', (v) => v.slice(0, -1)],
  ['truncated by sixteen (no tag)', (v) => v.slice(0, -16)],
  ['truncated to half', (v) => v.slice(0, Math.floor(v.length / 2))],
  ['truncated to sixteen characters', (v) => v.slice(0, 16)],
  ['four characters added (three bytes)', (v) => `${v}AAAA`],
  ['doubled', (v) => v + v],
  ['reversed', (v) => [...v].reverse().join('')],
  [
    'percent-encoded',
    (v) => encodeURIComponent(v).replace(/[A-Za-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
  ],
  ['in quotes with a flipped byte', (v) => `"${flip(v, 3)}"`],
  ['empty', () => ''],
  ['a single dot', () => '.'],
  ['a JSON session', () => Buffer.from('{"sub":"alice","exp":9999999999}').toString('base64url')],
];

const attacks: Attack[] = [
  {
    name: "control: alice's untouched cookie serves her",
    run: async (ctx) => {
      const [name, value] = cookieOf(ctx, ctx.sessions.alice, 'one');
      const sent = await ctx.send('one', { target: '/private/c', headers: [['Cookie', `${name}=${value}`]] });
      assertServedAs(sent, USERS.alice.username, 'untouched');
    },
  },
];
for (const [how, damage] of DAMAGE)
  attacks.push({
    name: `alice's cookie of one, ${how}: refused`,
    run: async (ctx) => {
      const [name, value] = cookieOf(ctx, ctx.sessions.alice, 'one');
      assertRefused(
        await ctx.send('one', { target: '/private/c', headers: [['Cookie', `${name}=${damage(value)}`]] }),
        how,
      );
    },
  });

/** Another application's session, sent to `one` as is or under `one`'s cookie name. */
const FOREIGN: Array<[string, (ctx: AttackContext) => string]> = [
  ["mallory's cookie of two, as is", (ctx) => cookieOf(ctx, ctx.sessions.mallory, 'two').join('=')],
  [
    "mallory's cookie of two, under one's cookie name",
    (ctx) =>
      `${cookieOf(ctx, ctx.sessions.alice, 'one')[0]}=${cookieOf(ctx, ctx.sessions.mallory, 'two')[1]}`,
  ],
  [
    "mallory's cookie of two, under one's name and as is",
    (ctx) =>
      `${cookieOf(ctx, ctx.sessions.alice, 'one')[0]}=${cookieOf(ctx, ctx.sessions.mallory, 'two')[1]}; ${cookieOf(ctx, ctx.sessions.mallory, 'two').join('=')}`,
  ],
  [
    "mallory's cookie of two, as one's second chunk",
    (ctx) =>
      `${cookieOf(ctx, ctx.sessions.alice, 'one')[0]}_1=${cookieOf(ctx, ctx.sessions.mallory, 'two')[1]}`,
  ],
  [
    "mallory's cookie of short (another provider), under one's name",
    (ctx) =>
      `${cookieOf(ctx, ctx.sessions.alice, 'one')[0]}=${cookieOf(ctx, ctx.sessions.mallory, 'short')[1]}`,
  ],
];
for (const [how, cookie] of FOREIGN)
  attacks.push({
    name: `${how}, to one: refused`,
    run: async (ctx) =>
      assertRefused(await ctx.send('one', { target: '/private/c', headers: [['Cookie', cookie(ctx)]] }), how),
  });

/** Cookie tampering. */
export const cookieTampering: AttackClass = { name: 'cookie tampering and foreign cookies', attacks };
