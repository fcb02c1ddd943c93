/**
 * Bearer sign-in at the outpost with the core's own tokens (issue 13, finding 7): a real core issues JWT
 * access tokens to proxy providers by the authorization code flow; the outpost's forward-auth endpoint takes
 * one as `Authorization: Bearer`, introspects it with its provider's credentials and serves the identity.
 * Another application's token, a revoked one, one whose session was signed out and an expired one are 401.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProxyProviderConfig } from '../src/proxy/types.ts';
import { Browser } from './support/browser.ts';
import { nginxCheck } from './support/forward-proxy.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';
import { createProxyProvider, createUser, startCore, type TestCore } from './support/palisade-core.ts';

const WIKI = 'http://wiki.test';
const CHAT = 'http://chat.test';
const BRIEF = 'http://brief.test';

describe('Bearer header sign-in with tokens the real core issued', () => {
  let core: TestCore;
  let outpost: TestOutpost;
  const configs: Record<string, ProxyProviderConfig> = {};

  before(async () => {
    core = await startCore();
    await createUser(core, { username: 'alice', password: 'alice-password', groups: ['staff'] });
    for (const [slug, externalHost] of [
      ['wiki', WIKI],
      ['chat', CHAT],
      ['brief', BRIEF],
    ] as const)
      configs[slug] = await createProxyProvider(core, { slug, externalHost, mode: 'forward_single' });
    // The brief application's access tokens live one second, so that one can be seen expiring.
    await core.server.ctx.db.query(
      "UPDATE oauth2_providers SET access_token_validity = 'seconds=1' WHERE client_id = 'proxy-brief'",
    );
    outpost = await startOutpost(Object.values(configs));
  });
  after(async () => {
    await outpost?.close();
    await core?.close();
  });

  /**
   * Signs alice in at the core (its real sign-in page) for `config`'s client, then redeems the code at the
   * token endpoint as the outpost would, and answers the access token and the browser holding the session.
   */
  async function accessToken(config: ProxyProviderConfig): Promise<{ token: string; browser: Browser }> {
    const browser = new Browser(outpost.port, core.origin);
    const redirectUri = `${config.external_host}/outpost.goauthentik.io/callback?X-authentik-auth-callback=true`;
    const authorize = new URL(config.oidc_configuration.authorization_endpoint);
    authorize.search = new URLSearchParams({
      client_id: config.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: config.scopes_to_request.join(' '),
      state: 'test-state',
    }).toString();
    // Stop where the core sends the browser back to the application: the callback URL with the code.
    const callback = await browser.signIn(
      authorize.href,
      'alice',
      'alice-password',
      (next) => next.origin !== core.origin,
    );
    const code = new URL(callback).searchParams.get('code');
    assert.ok(code, `no code at ${callback}`);
    const res = await fetch(config.oidc_configuration.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: config.client_id,
        client_secret: config.client_secret,
      }),
    });
    const body = (await res.json()) as { access_token?: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(
      body.access_token?.split('.').length,
      3,
      'the core issues proxy providers JWT access tokens',
    );
    return { token: body.access_token ?? '', browser };
  }

  /** The forward-auth check nginx makes for a request to `url` that carries `authorization`. */
  const check = (url: string, authorization: string) =>
    nginxCheck(new Browser(outpost.port, core.origin), url, { authorization });

  it('answers 200 with the identity headers for a Bearer access token of the application', async () => {
    const { token } = await accessToken(configs.wiki as ProxyProviderConfig);
    const res = await check(`${WIKI}/private/page`, `Bearer ${token}`);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['x-authentik-username'], 'alice');
    assert.equal(res.headers['x-authentik-email'], 'alice@example.com');
    assert.equal(res.headers['x-authentik-groups'], 'staff');
    assert.equal(res.headers['x-authentik-meta-app'], 'wiki');
    // The same token as the password of the reference's token username (spec §7.2 step 4).
    const basic = Buffer.from(`goauthentik.io/token:${token}`).toString('base64');
    const viaBasic = await check(`${WIKI}/other`, `Basic ${basic}`);
    assert.equal(viaBasic.status, 200, viaBasic.body);
    assert.equal(viaBasic.headers['x-authentik-username'], 'alice');
  });

  it("answers 401 for another application's token, which works at its own application", async () => {
    const { token } = await accessToken(configs.chat as ProxyProviderConfig);
    const foreign = await check(`${WIKI}/private/page`, `Bearer ${token}`);
    assert.equal(foreign.status, 401);
    assert.equal(foreign.headers['x-authentik-username'], undefined);
    const own = await check(`${CHAT}/private/page`, `Bearer ${token}`);
    assert.equal(own.status, 200, own.body);
    assert.equal(own.headers['x-authentik-username'], 'alice');
  });

  it('answers 401 for a token revoked at the core, and for one whose core session was signed out', async () => {
    const config = configs.wiki as ProxyProviderConfig;
    const revoked = await accessToken(config);
    const revocation = await fetch(config.oidc_configuration.issuer.replace(/wiki\/$/, 'revoke/'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: revoked.token,
        client_id: config.client_id,
        client_secret: config.client_secret,
      }),
    });
    assert.equal(revocation.status, 200);
    assert.equal((await check(`${WIKI}/private/page`, `Bearer ${revoked.token}`)).status, 401);

    const signedOut = await accessToken(config);
    const page = await signedOut.browser.request(`${core.origin}/if/flow/default-invalidation-flow/`);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const out = await signedOut.browser.request(`${core.origin}/if/flow/default-invalidation-flow/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf }).toString(),
    });
    assert.equal(out.status, 303);
    assert.equal((await check(`${WIKI}/private/page`, `Bearer ${signedOut.token}`)).status, 401);
  });

  it('answers 401 for an expired token', async () => {
    const { token } = await accessToken(configs.brief as ProxyProviderConfig);
    const exp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
      .exp as number;
    await new Promise((resolve) => setTimeout(resolve, Math.max(exp * 1000 - Date.now(), 0) + 1100));
    const res = await check(`${BRIEF}/private/page`, `Bearer ${token}`);
    assert.equal(res.status, 401);
    assert.equal(res.headers['x-authentik-username'], undefined);
  });
});
