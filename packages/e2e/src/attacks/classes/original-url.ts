/**
 * Telling the outpost another original URL than the one the proxy serves (issue 13, finding 1): headers a
 * client adds to point the decision at an unauthenticated path or at the outpost's own prefix, while the
 * proxy serves a protected path. The documented proxies set the original URL themselves; nothing else counts.
 */
import assert from 'node:assert/strict';
import { type Attack, type AttackClass, assertRefused } from '../attack.ts';
import type { AttackWorld } from '../world.ts';

/** Header sets that claim an unauthenticated original URL (`{one}`: the application's origin). */
const CLAIMS: Array<[string, Array<[string, string]>]> = [
  ['X-Original-URI to the skip path', [['X-Original-URI', '/public/x']]],
  ["X-Original-URI to the outpost's prefix", [['X-Original-URI', '/outpost.goauthentik.io/x']]],
  ["X-Original-URI to the outpost's ping", [['X-Original-URI', '/outpost.goauthentik.io/ping']]],
  ['X-Original-URI lowercase', [['x-original-uri', '/public/x']]],
  ['X_Original_URI with underscores', [['X_Original_URI', '/public/x']]],
  [
    'X-Original-URI twice',
    [
      ['X-Original-URI', '/public/x'],
      ['X-Original-URI', '/public/y'],
    ],
  ],
  ['X-Original-URL to the skip path', [['X-Original-URL', '{one}/public/x']]],
  ["X-Original-URL to the outpost's prefix", [['X-Original-URL', '{one}/outpost.goauthentik.io/x']]],
  ['X-Original-URL relative', [['X-Original-URL', '/public/x']]],
  [
    'X-Original-URL and X-Original-URI both',
    [
      ['X-Original-URL', '{one}/public/x'],
      ['X-Original-URI', '/public/x'],
    ],
  ],
  ['X-Forwarded-Uri to the skip path', [['X-Forwarded-Uri', '/public/x']]],
  [
    'X-Forwarded-Proto/Host/Uri to the skip path',
    [
      ['X-Forwarded-Proto', 'http'],
      ['X-Forwarded-Host', '{onehost}'],
      ['X-Forwarded-Uri', '/public/x'],
    ],
  ],
  ['X-Forwarded-Uri comma-joined', [['X-Forwarded-Uri', '/public/x, /private/x']]],
  ['X-Forwarded-Prefix', [['X-Forwarded-Prefix', '/public']]],
  ['X-Rewrite-URL', [['X-Rewrite-URL', '/public/x']]],
  ['X-Envoy-Original-Path', [['X-Envoy-Original-Path', '/public/x']]],
  ['X-Original-Path', [['X-Original-Path', '/public/x']]],
  ['X-Forwarded-Path', [['X-Forwarded-Path', '/public/x']]],
];

const fill = (world: AttackWorld, value: string) =>
  value.replaceAll('{one}', world.origins.one).replaceAll('{onehost}', new URL(world.origins.one).host);

const attacks: Attack[] = [];
for (const [how, lines] of CLAIMS) {
  attacks.push({
    name: `${how}, signed out, on a protected path of the app with a skip rule: refused`,
    run: async (ctx) => {
      const headers = lines.map(([n, v]): [string, string] => [n, fill(ctx.world, v)]);
      assertRefused(await ctx.send('one', { target: '/private/x', headers }), how);
    },
  });
  attacks.push({
    name: `${how}, signed out, on the app without skip rules: refused`,
    run: async (ctx) => {
      const headers = lines.map(([n, v]): [string, string] => [
        n,
        fill(ctx.world, v)
          .replace('/public/x', '/outpost.goauthentik.io/x')
          .replace(ctx.world.origins.one, ctx.world.origins.two),
      ]);
      assertRefused(await ctx.send('two', { target: '/private/x', headers }), how);
    },
  });
}

/**
 * Straight to the outpost's auth/nginx, as a client that reaches it past the proxy (or a proxy that passes
 * the client's headers): only X-Original-URL counts, X-Original-URI never on its own, a disagreement is a
 * 401, and the outpost's own paths never get a 200.
 */
const forwardOnly = (kind: AttackWorld['kind']) => kind !== 'proxy';
const direct: Array<[string, (world: AttackWorld) => Array<[string, string]>]> = [
  ['X-Original-URI alone, to the skip path', () => [['X-Original-URI', '/public/x']]],
  [
    'X-Original-URI disagreeing with X-Original-URL',
    (w) => [
      ['X-Original-URL', `${w.origins.one}/private/x`],
      ['X-Original-URI', '/public/x'],
    ],
  ],
  [
    'X-Original-URI to the outpost prefix, with X-Original-URL',
    (w) => [
      ['X-Original-URL', `${w.origins.two}/private/x`],
      ['X-Original-URI', '/outpost.goauthentik.io/x'],
    ],
  ],
  [
    "X-Original-URL on the outpost's prefix (app with skip rules)",
    (w) => [['X-Original-URL', `${w.origins.one}/outpost.goauthentik.io/x`]],
  ],
  [
    "X-Original-URL on the outpost's prefix (app without skip rules)",
    (w) => [['X-Original-URL', `${w.origins.two}/outpost.goauthentik.io/x`]],
  ],
  [
    "X-Original-URL on the outpost's start",
    (w) => [['X-Original-URL', `${w.origins.two}/outpost.goauthentik.io/start?rd=/`]],
  ],
  [
    'X-Original-URL on auth/nginx itself',
    (w) => [['X-Original-URL', `${w.origins.two}/outpost.goauthentik.io/auth/nginx`]],
  ],
];
for (const [how, headers] of direct) {
  attacks.push({
    name: `straight to auth/nginx: ${how}: refused`,
    only: forwardOnly,
    run: async (ctx) => {
      const lines = headers(ctx.world);
      // Host as a proxy would send it: the original URL's, so only the disagreement under test is there.
      const url = lines.find(([n]) => n === 'X-Original-URL')?.[1];
      const sent = await ctx.send('one', {
        target: '/outpost.goauthentik.io/auth/nginx',
        port: Number(new URL(ctx.world.outpostUrl).port),
        host: url ? new URL(url).host : undefined,
        headers: lines,
      });
      const answer = `${how}: ${sent.response.status} ${sent.response.body.slice(0, 120)}`;
      // Without X-Original-URL there is no original URL at all: the documented misconfiguration answer
      // (500 `configuration error`, and an event) is as much a refusal as a 401; a 200 is not.
      if (url) assert.equal(sent.response.status, 401, answer);
      else
        assert.ok(
          sent.response.status === 401 ||
            (sent.response.status === 500 && sent.response.body.includes('configuration error')),
          answer,
        );
      assert.equal(sent.response.headers.get('x-authentik-username'), undefined);
    },
  });
}

/** Original URL disagreement. */
export const originalUrl: AttackClass = { name: 'original URL disagreement', attacks };
