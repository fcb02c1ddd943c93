import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cookieNameFor } from '../src/proxy/app/application.ts';
import type { ProxyProviderConfig } from '../src/proxy/types.ts';
import { Browser } from './support/browser.ts';
import { applicationFor } from './support/configs.ts';
import { createProxyProvider, createUser, startCore, type TestCore } from './support/palisade-core.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';
import { rawRequest } from './support/raw-request.ts';

/**
 * Issue 13, findings 1, 2 and 4: the forward-auth answer rests only on what the proxy sets, the application,
 * cookie and decision come from one host, and no credential reaches a log, an event or a sign-out URL.
 * wiki.test has a skip rule `^/public(/|$)`; shop.test has none. Alice is signed in to the wiki only.
 */
const WIKI = 'http://wiki.test';
const SHOP = 'http://shop.test';
const NGINX = '/outpost.goauthentik.io/auth/nginx';
const TRAEFIK = '/outpost.goauthentik.io/auth/traefik';
const INGRESS_HOST = 'ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local';

type Lines = Array<readonly [string, string]>;

describe('forward auth believes only what the proxy sets (issue 13; real core)', () => {
  let core: TestCore;
  let wiki: ProxyProviderConfig;
  let shop: ProxyProviderConfig;
  let outpost: TestOutpost;
  let clock = Date.now();
  let browser: Browser;
  /** Alice's wiki session cookie header (`name=value`). */
  let wikiCookie = '';
  const secrets: string[] = [];

  before(async () => {
    core = await startCore();
    await createUser(core, { username: 'alice', password: 'alice-password' });
    wiki = await createProxyProvider(core, {
      slug: 'wiki',
      externalHost: WIKI,
      mode: 'forward_single',
      skipPathRegex: '^/public(/|$)',
    });
    shop = await createProxyProvider(core, { slug: 'shop', externalHost: SHOP, mode: 'forward_single' });
    outpost = await startOutpost([wiki, shop], { now: () => clock });
    clock = Date.now();
    browser = new Browser(outpost.port, core.origin);
    await browser.signIn(
      `${WIKI}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${WIKI}/`)}`,
      'alice',
      'alice-password',
    );
    wikiCookie = browser.cookieHeader(`${WIKI}/`);
    assert.match(wikiCookie, new RegExp(`^${cookieNameFor(wiki.client_id)}=`));
    secrets.push(wikiCookie.split('=')[1] ?? '');
  });
  after(async () => {
    await outpost?.close();
    await core?.close();
  });

  const nginx = (lines: Lines, cookie = '') =>
    rawRequest(outpost.port, NGINX, [
      ['Host', 'wiki.test'],
      ...(cookie ? [['Cookie', cookie] as const] : []),
      ...lines,
    ]);
  const forwarded = (path: string, lines: Lines, cookie = wikiCookie) =>
    rawRequest(outpost.port, path, [
      ['Host', 'outpost.internal:9000'],
      ['X-Forwarded-Proto', 'http'],
      ...(cookie ? [['Cookie', cookie] as const] : []),
      ...lines,
    ]);

  describe('finding 1: auth/nginx reads X-Original-URL, never X-Original-URI on its own', () => {
    it('refuses every X-Original-URI that names another path or query than X-Original-URL (any spelling, repeated, comma-joined)', async () => {
      const cases: Array<[string, Lines]> = [];
      const pairs: Array<[string, string]> = [
        [`${WIKI}/private/x`, '/public/x'],
        [`${WIKI}/private/x`, '/public/'],
        [`${WIKI}/private/x`, '/public'],
        [`${WIKI}/private/x`, '/%70ublic/x'],
        [`${WIKI}/private/x`, '/outpost.goauthentik.io/x'],
        [`${WIKI}/private/x`, '/outpost.goauthentik.io/auth/nginx'],
        [`${SHOP}/private/x`, '/outpost.goauthentik.io/x'],
        [`${SHOP}/private/x`, '/outpost.goauthentik.io/start?rd=/'],
        [`${WIKI}/private/x`, '/private/x?public'],
        [`${WIKI}/private/x?a=1`, '/private/x'],
        [`${WIKI}/private/x`, 'http://wiki.test/public/x'],
        [`${WIKI}/private/x`, 'public/x'],
      ];
      for (const [url, uri] of pairs)
        for (const name of ['X-Original-URI', 'x-original-uri', 'X-ORIGINAL-URI'])
          cases.push([
            `${name}: ${uri} for ${url}`,
            [
              ['X-Original-URL', url],
              [name, uri],
            ],
          ]);
      cases.push([
        'repeated lines',
        [
          ['X-Original-URL', `${WIKI}/private/x`],
          ['X-Original-URI', '/private/x'],
          ['X-Original-URI', '/public/x'],
        ],
      ]);
      cases.push([
        'comma-joined',
        [
          ['X-Original-URL', `${WIKI}/private/x`],
          ['X-Original-URI', '/private/x, /public/x'],
        ],
      ]);
      cases.push([
        'two X-Original-URL lines',
        [
          ['X-Original-URL', `${WIKI}/private/x`],
          ['X-Original-URL', `${WIKI}/public/x`],
        ],
      ]);
      for (const [label, lines] of cases) {
        const res = await nginx(lines);
        assert.equal(res.status, 401, label);
        assert.equal(res.headers['x-authentik-username'], undefined, label);
      }
    });

    it('refuses an original URL under /outpost.goauthentik.io like any other unauthenticated path (no 200 allowance)', async () => {
      for (const path of [
        '/outpost.goauthentik.io/x',
        '/outpost.goauthentik.io/start',
        '/outpost.goauthentik.io/',
        '/outpost.goauthentik.io/../private',
        '/OUTPOST.goauthentik.io/x',
      ]) {
        assert.equal((await nginx([['X-Original-URL', `${SHOP}${path}`]])).status, 401, path);
        assert.equal((await nginx([['X-Original-URL', `${WIKI}${path}`]])).status, 401, path);
      }
    });

    it('does not believe X-Original-URI alone: 500 configuration error, with the fix in the log', async () => {
      for (const uri of ['/public/x', '/outpost.goauthentik.io/x', '/private']) {
        const res = await nginx([['X-Original-URI', uri]]);
        assert.equal(res.status, 500, uri);
        assert.equal(res.body, 'configuration error');
      }
      assert.ok(
        outpost.logs.some((line) => /X-Original-URL/.test(String((line.obj as { hint?: string }).hint))),
        'the log says to set X-Original-URL',
      );
    });

    it('keeps working with a proxy that sends both headers and means the same (canonically equal)', async () => {
      for (const uri of ['/public/x?y=1', '/%70ublic/x?y=1', '//public/x?y=1'])
        assert.equal(
          (
            await nginx([
              ['X-Original-URL', `${WIKI}/public/x?y=1`],
              ['X-Original-URI', uri],
            ])
          ).status,
          200,
          uri,
        );
      const signedIn = await nginx(
        [
          ['X-Original-URL', `${WIKI}/private/x?a=1`],
          ['X-Original-URI', '/private/x?a=1'],
        ],
        wikiCookie,
      );
      assert.equal(signedIn.status, 200);
      assert.equal(signedIn.headers['x-authentik-username'], 'alice');
    });

    it('logs a disagreement once a minute per provider, without codes, state or tokens', async () => {
      const count = () =>
        outpost.logs.filter((line) => (line.obj as { reason?: string }).reason === 'target disagreement');
      clock += 120_000;
      const before = count().length;
      for (let i = 0; i < 5; i++)
        assert.equal(
          (
            await nginx([
              ['X-Original-URL', `${WIKI}/cb?code=SECRETCODE1&state=SECRETSTATE1`],
              ['X-Original-URI', '/public/?code=SECRETCODE2&access_token=SECRETTOKEN2'],
            ])
          ).status,
          401,
        );
      assert.equal(count().length, before + 1, 'one line for five refusals');
      clock += 61_000;
      await nginx([
        ['X-Original-URL', `${WIKI}/a`],
        ['X-Original-URI', '/public/'],
      ]);
      const lines = count();
      assert.equal(lines.length, before + 2);
      assert.equal((lines.at(-1)?.obj as { suppressed?: number }).suppressed, 4);
      assert.equal(lines.at(-1)?.level, 'warn');
      const text = JSON.stringify(outpost.logs);
      for (const secret of ['SECRETCODE1', 'SECRETSTATE1', 'SECRETCODE2', 'SECRETTOKEN2'])
        assert.ok(!text.includes(secret), secret);
    });
  });

  describe('finding 2: the application, cookie and decision come from the original URL host only', () => {
    it("nginx: refuses the wiki's cookie on the shop when X-Forwarded-Host names the wiki (every spelling)", async () => {
      const variants: Lines[] = [
        [['X-Forwarded-Host', 'wiki.test']],
        [['x-forwarded-host', 'WIKI.TEST']],
        [['X-Forwarded-Host', 'wiki.test.']],
        [['X-Forwarded-Host', 'wiki.test:80']],
        [['X-Forwarded-Host', 'Wiki.Test:80.']],
        [['X-Forwarded-Host', 'wiki.test, shop.test']],
        [['X-Forwarded-Host', 'shop.test, wiki.test']],
        [
          ['X-Forwarded-Host', 'shop.test'],
          ['X-Forwarded-Host', 'wiki.test'],
        ],
        [
          ['X-Forwarded-Host', 'wiki.test'],
          ['X-Forwarded-Host', 'shop.test'],
        ],
        [['X-Forwarded-Host', 'shop.test:8080']],
        [['X-Forwarded-Host', 'evil.example']],
      ];
      for (const lines of variants) {
        const res = await nginx([['X-Original-URL', `${SHOP}/orders`], ...lines], wikiCookie);
        assert.equal(res.status, 401, JSON.stringify(lines));
        assert.equal(res.headers['x-authentik-username'], undefined);
      }
      const logged = outpost.logs.find(
        (line) =>
          line.level === 'error' &&
          (line.obj as { reason?: string }).reason === 'host disagreement' &&
          (line.obj as { expected?: string }).expected === 'shop.test',
      );
      assert.ok(logged, 'a configuration error names the hosts');
      assert.match(logged.msg ?? '', /shop\.test/);
      assert.match(logged.msg ?? '', /wiki\.test/i);
    });

    it('nginx: agrees with X-Forwarded-Host spellings of the same host, and routes by X-Original-URL whatever Host says', async () => {
      for (const host of ['wiki.test', 'WIKI.test', 'wiki.test.', 'wiki.test:80']) {
        const res = await nginx(
          [
            ['X-Original-URL', `${WIKI}/private`],
            ['X-Forwarded-Host', host],
          ],
          wikiCookie,
        );
        assert.equal(res.status, 200, host);
        assert.equal(res.headers['x-authentik-username'], 'alice');
      }
      // ingress-nginx sends its auth service's name as Host, on the core's port for the embedded outpost.
      const ingress = await rawRequest(outpost.port, NGINX, [
        ['Host', INGRESS_HOST],
        ['X-Original-URL', `${WIKI}/private`],
        ['Cookie', wikiCookie],
      ]);
      assert.equal(ingress.status, 200);
      const other = await rawRequest(outpost.port, NGINX, [
        ['Host', 'wiki.test'],
        ['X-Original-URL', `${SHOP}/private`],
        ['Cookie', wikiCookie],
      ]);
      assert.equal(other.status, 401, 'the shop, chosen by X-Original-URL, has no session');
    });

    it('Traefik and Caddy: X-Forwarded-Host decides; differing repeated or comma-joined hosts, or an X-Original-URL of another host, are refused', async () => {
      for (const endpoint of [TRAEFIK, '/outpost.goauthentik.io/auth/caddy']) {
        const ok = await forwarded(endpoint, [
          ['X-Forwarded-Host', 'WIKI.test:80'],
          ['X-Forwarded-Uri', '/x'],
        ]);
        assert.equal(ok.status, 200, endpoint);
        const refused: Lines[] = [
          [
            ['X-Forwarded-Host', 'wiki.test'],
            ['X-Forwarded-Uri', '/x'],
            ['X-Original-URL', `${SHOP}/x`],
          ],
          [
            ['X-Forwarded-Host', 'wiki.test'],
            ['X-Forwarded-Uri', '/x'],
            ['x-original-url', 'not a url'],
          ],
          [
            ['X-Forwarded-Host', 'wiki.test'],
            ['X-Forwarded-Host', 'shop.test'],
            ['X-Forwarded-Uri', '/x'],
          ],
          [
            ['X-Forwarded-Host', 'wiki.test, shop.test'],
            ['X-Forwarded-Uri', '/x'],
          ],
          [
            ['X-Forwarded-Host', 'wiki.test,evil.example'],
            ['X-Forwarded-Uri', '/x'],
          ],
          [
            ['X-Forwarded-Host', 'wiki.test'],
            ['X-Forwarded-Uri', '/x'],
            ['X-Forwarded-Uri', '/public/x'],
          ],
        ];
        for (const lines of refused) {
          const res = await forwarded(endpoint, lines);
          assert.equal(res.status, 401, `${endpoint} ${JSON.stringify(lines)}`);
          assert.equal(res.headers['x-authentik-username'], undefined);
        }
      }
    });

    it('Envoy: Host decides; an X-Forwarded-Host or X-Original-URL of another host is refused', async () => {
      const envoy = (lines: Lines) =>
        rawRequest(outpost.port, '/outpost.goauthentik.io/auth/envoy/orders', [
          ['Cookie', wikiCookie],
          ...lines,
        ]);
      assert.equal((await envoy([['Host', 'wiki.test']])).status, 200);
      for (const lines of [
        [
          ['Host', 'shop.test'],
          ['X-Forwarded-Host', 'wiki.test'],
        ],
        [
          ['Host', 'shop.test'],
          ['X-Forwarded-Host', 'shop.test, wiki.test'],
        ],
        [
          ['Host', 'shop.test'],
          ['X-Original-URL', `${WIKI}/orders`],
        ],
        [
          ['Host', 'wiki.test'],
          ['X-Forwarded-Host', 'shop.test'],
        ],
      ] satisfies Lines[]) {
        const res = await envoy(lines);
        assert.equal(res.status, 401, JSON.stringify(lines));
        assert.equal(res.headers['x-authentik-username'], undefined);
      }
    });
  });

  describe("finding 2: one application's cookie never opens another", () => {
    const valueOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);

    it("refuses the wiki's session under the shop's cookie name, and clears it", async () => {
      const renamed = `${cookieNameFor(shop.client_id)}=${valueOf(wikiCookie)}`;
      const res = await nginx([['X-Original-URL', `${SHOP}/orders`]], renamed);
      assert.equal(res.status, 401);
      assert.ok(
        (res.headers['set-cookie'] ?? []).some(
          (line) => line.startsWith(`${cookieNameFor(shop.client_id)}=;`) && /Max-Age=0/.test(line),
        ),
      );
      const traefik = await forwarded(
        TRAEFIK,
        [
          ['X-Forwarded-Host', 'shop.test'],
          ['X-Forwarded-Uri', '/orders'],
        ],
        renamed,
      );
      assert.equal(traefik.status, 302, 'Traefik: into sign-in for the shop');
    });

    it("refuses a shop session that holds a token issued to the wiki (the token's audience is checked on every read)", async () => {
      const opened = applicationFor(wiki).sealer.open(valueOf(wikiCookie));
      assert.ok(opened?.token, 'the wiki session holds its access token');
      secrets.push(opened.token);
      const forged = applicationFor(shop).sealer.seal({
        v: 1,
        sid: opened.sid,
        created: opened.created,
        token: opened.token,
      });
      const res = await nginx(
        [['X-Original-URL', `${SHOP}/orders`]],
        `${cookieNameFor(shop.client_id)}=${forged}`,
      );
      assert.equal(res.status, 401);
      assert.equal(res.headers['x-authentik-username'], undefined);
    });

    it('keeps two providers with the same cookie_secret apart', async () => {
      const twin = { ...shop, cookie_secret: wiki.cookie_secret };
      const other = await startOutpost([wiki, twin]);
      try {
        const b = new Browser(other.port, core.origin);
        await b.signIn(
          `${WIKI}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${WIKI}/`)}`,
          'alice',
          'alice-password',
        );
        const cookie = b.cookieHeader(`${WIKI}/`);
        const renamed = `${cookieNameFor(shop.client_id)}=${valueOf(cookie)}`;
        const res = await rawRequest(other.port, NGINX, [
          ['Host', 'shop.test'],
          ['X-Original-URL', `${SHOP}/orders`],
          ['Cookie', renamed],
        ]);
        assert.equal(res.status, 401);
      } finally {
        await other.close();
      }
    });
  });

  describe('finding 4: no credential in a browser-visible URL, a log line or an event', () => {
    it('signs out to the end-session endpoint naming the client, with no token in the URL', async () => {
      const b = new Browser(outpost.port, core.origin);
      await b.signIn(
        `${WIKI}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${WIKI}/`)}`,
        'alice',
        'alice-password',
      );
      const token = applicationFor(wiki).sealer.open(b.cookieHeader(`${WIKI}/`).split('=')[1] ?? '')?.token;
      assert.ok(token);
      const res = await b.request(`${WIKI}/outpost.goauthentik.io/sign_out`);
      assert.equal(res.status, 302);
      const end = new URL(res.location ?? '');
      assert.equal(`${end.origin}${end.pathname}`, wiki.oidc_configuration.end_session_endpoint);
      assert.equal(end.searchParams.get('client_id'), wiki.client_id);
      assert.equal(end.searchParams.get('id_token_hint'), null);
      assert.ok(!(res.location ?? '').includes(token), 'the access token is not in the URL');
      // The core's end-session accepts it and hands the browser to the invalidation flow, which asks the
      // user to confirm (RP-initiated logout).
      const endSession = await b.request(res.location ?? '');
      assert.equal(endSession.status, 303, endSession.body.slice(0, 200));
      const flow = new URL(endSession.location ?? '', core.origin);
      assert.equal(flow.pathname, '/if/flow/default-invalidation-flow/');
      assert.equal(flow.searchParams.get('application'), 'wiki');
      const page = await b.request(flow.href);
      assert.equal(page.status, 200, page.body.slice(0, 200));
    });

    it('redacts codes, state and tokens in the configuration_error event and its log line', async () => {
      const query = '?code=SECRETCODE3&state=SECRETSTATE3&access_token=SECRETTOKEN3&x=1';
      const traefik = await rawRequest(outpost.port, TRAEFIK, [
        ['Host', 'outpost.internal'],
        ['X-Forwarded-Host', 'wiki.test'],
        ['X-Forwarded-Uri', `/outpost.goauthentik.io/callback${query}`],
      ]);
      assert.equal(traefik.status, 500);
      const nginxBad = await nginx([['X-Original-URL', `ftp://wiki.test/cb${query}`]]);
      assert.equal(nginxBad.status, 500);
      const events = JSON.stringify(outpost.events.slice(-2));
      for (const secret of ['SECRETCODE3', 'SECRETSTATE3', 'SECRETTOKEN3'])
        assert.ok(!events.includes(secret), secret);
      assert.match(events, /code=\[redacted\]/);
      assert.match(events, /x=1/, 'what is no secret is kept');
      const text = JSON.stringify(outpost.logs);
      for (const secret of ['SECRETCODE3', 'SECRETSTATE3', 'SECRETTOKEN3'])
        assert.ok(!text.includes(secret), secret);
    });

    it('never logged or posted a session cookie or a token in this whole suite', () => {
      const text = JSON.stringify([outpost.logs, outpost.events]);
      for (const secret of secrets) assert.ok(secret.length > 20 && !text.includes(secret));
    });
  });
});
