/**
 * Open redirects through the sign-in: `rd` on start (the outpost's redirect corpus, mapped onto the stack's
 * application, plus more), and forged or foreign states on the callback. However the sign-in goes, every
 * redirect stays on the application or the core, and the sign-in ends on the application.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../server-process.ts';
import { type Attack, type AttackClass, type AttackContext } from '../attack.ts';
import { headerOf } from '../raw-http.ts';
import type { Visitor } from '../visitor.ts';

interface Corpus {
  cases: Array<{ rules: string; rd: string }>;
}

/** The single-application cases of packages/outpost/test/fixtures/redirect-corpus.json (their rd only). */
const corpus = (
  JSON.parse(
    readFileSync(join(REPO_ROOT, 'packages', 'outpost', 'test', 'fixtures', 'redirect-corpus.json'), 'utf8'),
  ) as Corpus
).cases
  .filter((c) => c.rules === 'single')
  .map((c) => c.rd);

/** More: hosts of the other applications, and tricks the corpus spells differently. */
const MORE = [
  '{two}/',
  '{short}/x',
  'http://evil.test/',
  'http://{onehost}.evil.test/',
  'http://{onehost}@evil.test/',
  'http://evil.test\\@{onehost}/',
  'http://evil.test%23@{onehost}/',
  'http:/\\evil.test',
  '/\\/evil.test',
  '/%2f%2fevil.test',
  '/%252f%252fevil.test',
  '/.//evil.test',
  '/../\\evil.test',
  '\t//evil.test',
  '//evil.test%2f%2e%2e',
  'http://[::1]/',
  'http://127.0.0.1:1/',
];

/** Maps a corpus rd (written for https://app.example.com) onto the stack's `one`. */
function mapped(ctx: AttackContext, rd: string): string {
  const one = new URL(ctx.world.origins.one);
  return rd
    .replaceAll('{two}', ctx.world.origins.two)
    .replaceAll('{short}', ctx.world.origins.short)
    .replaceAll('{onehost}', one.host)
    .replace(/https:\/\/app\.example\.com/gi, one.origin)
    .replaceAll('app.example.com', one.host);
}

/** Whether `location` (relative to `base`) stays on the application `one` or the core. */
function staysHome(ctx: AttackContext, location: string, base: string): boolean {
  if (!URL.canParse(location, base)) return true;
  const url = new URL(location, base);
  return (
    (url.origin === new URL(ctx.world.origins.one).origin ||
      url.origin === new URL(ctx.world.coreUrl).origin) &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * Follows redirects from `url` as a browser would, asserting that each stays home; answers the last URL
 * asked for and its status.
 */
async function walk(
  ctx: AttackContext,
  visitor: Visitor,
  url: string,
): Promise<{ url: string; status: number }> {
  let next = url;
  for (let i = 0; i < 10; i++) {
    const response = await visitor.fetch(next);
    const location = headerOf(response, 'location');
    assert.ok(response.status < 500, `${next}: ${response.status}`);
    if (response.status < 300 || response.status > 399 || location === undefined)
      return { url: next, status: response.status };
    assert.ok(staysHome(ctx, location, next), `${url}: redirected off the application to ${location}`);
    next = new URL(location, next).href;
  }
  throw new Error(`redirect loop from ${url}`);
}

const attacks: Attack[] = [];
for (const rd of [...new Set([...corpus, ...MORE])])
  attacks.push({
    name: `start?rd=${JSON.stringify(rd)}: the sign-in ends on the application`,
    run: async (ctx) => {
      const target = mapped(ctx, rd);
      const start = `${ctx.world.origins.one}/outpost.goauthentik.io/start?rd=${encodeURIComponent(target)}`;
      const end = await walk(ctx, ctx.sessions.wanderer, start);
      assert.equal(new URL(end.url).origin, new URL(ctx.world.origins.one).origin, `ended at ${end.url}`);
      assert.equal(end.status, 200, `ended at ${end.url} with ${end.status}`);
    },
  });

/** Callbacks an attacker crafts: none signs in, none sends the browser away. */
const CALLBACKS: Array<[string, (ctx: AttackContext) => Promise<string>]> = [
  [
    'a forged state',
    async () => '/outpost.goauthentik.io/callback?code=forged-code-1&state=forged.state.value',
  ],
  ['no state', async () => '/outpost.goauthentik.io/callback?code=forged-code-2'],
  [
    'an alg=none state',
    async () =>
      `/outpost.goauthentik.io/callback?code=x&state=${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"redirect":"http://evil.test/"}').toString('base64url')}.`,
  ],
  [
    "another application's state",
    async (ctx) => {
      const start = await ctx.sessions.wanderer.fetch(
        `${ctx.world.origins.two}/outpost.goauthentik.io/start?rd=%2F`,
      );
      const location = headerOf(start, 'location') ?? '';
      const state = new URL(location, ctx.world.origins.two).searchParams.get('state') ?? 'none';
      return `/outpost.goauthentik.io/callback?code=forged-code-3&state=${encodeURIComponent(state)}`;
    },
  ],
  [
    'the callback signature on a protected path',
    async () => '/private/x?X-authentik-auth-callback=true&code=x&state=forged',
  ],
];
for (const [how, target] of CALLBACKS)
  attacks.push({
    name: `callback with ${how}: no session, no redirect off the application`,
    run: async (ctx) => {
      const visitor = ctx.sessions.stranger();
      const end = await walk(ctx, visitor, `${ctx.world.origins.one}${await target(ctx)}`);
      assert.ok(
        end.status !== 200 || new URL(end.url).origin !== new URL(ctx.world.origins.one).origin,
        `a forged callback reached the application: ${end.url}`,
      );
    },
  });

/** Open redirects. */
export const openRedirect: AttackClass = { name: 'open redirects', attacks };
