import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { findApplicationBySlug, insertApplication } from '../../src/applications/applications-repository.ts';
import { insertBinding } from '../../src/policies/bindings-repository.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import { insertGroup } from '../../src/identity/groups-repository.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { findUserByUsername, insertUser } from '../../src/identity/users-repository.ts';
import { SELF_SIGNED_MANAGED } from '../../src/crypto/default-keypair.ts';
import { findManagedKeypair } from '../../src/crypto/keypairs-repository.ts';
import { userUid } from '../../src/identity/user-uid.ts';
import { insertOAuth2Provider } from '../../src/oauth2/providers-repository.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';
import { cookieFetch } from '../support/cookie-fetch.ts';
import { signInAndAuthorize } from '../support/oidc-sign-in.ts';

const REDIRECT = 'https://rp.example.com/callback';

describe('OpenID Connect with a real relying party (openid-client)', () => {
  let server: RunningServer;
  let config: client.Configuration;
  before(async () => {
    server = await startServer(
      testConfig({
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent',
      }),
    );
    const { db, box } = server.ctx;
    const alice = await insertUser(db, {
      attributes: { additionalHeaders: { 'X-Level': 'user' }, own: true },
      username: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
      passwordHash: await hashPassword('alice-password'),
    });
    const parent = await insertGroup(db, { name: 'org', attributes: { tier: 'org', region: 'eu' } });
    await insertGroup(db, {
      name: 'team',
      parents: [parent.uuid],
      memberIds: [alice.id],
      attributes: { tier: 'team', additionalHeaders: { 'X-Team': 'wiki' } },
    });
    // The wiki signs with the built-in keypair (RS256, published at jwks/); providers without one sign HS256.
    const builtIn = await findManagedKeypair(db, SELF_SIGNED_MANAGED);
    await db.transaction(async (tx) => {
      const provider = await insertOAuth2Provider(tx, box, {
        signingKey: builtIn?.uuid ?? null,
        name: 'Wiki provider',
        clientId: 'wiki-client',
        clientSecret: 'wiki-secret-0123456789',
        redirectUris: [{ matching_mode: 'strict', url: REDIRECT }],
      });
      await insertApplication(tx, { name: 'Wiki', slug: 'wiki', providerId: provider.id });
      const spa = await insertOAuth2Provider(tx, box, {
        name: 'SPA provider',
        clientType: 'public',
        clientId: 'spa-client',
        clientSecret: 'unused-for-public-clients',
        accessCodeValidity: 'seconds=1',
        redirectUris: [{ matching_mode: 'strict', url: REDIRECT }],
      });
      await insertApplication(tx, { name: 'SPA', slug: 'spa', providerId: spa.id });
      await insertApplication(tx, { name: 'No provider', slug: 'no-provider' });
      const tenants = await insertOAuth2Provider(tx, box, {
        name: 'Tenants provider',
        clientId: 'tenants-client',
        clientSecret: 'tenants-secret-0123456789',
        redirectUris: [
          { matching_mode: 'regex', url: 'https://[a-z0-9-]+\\.tenants\\.example\\.com/callback' },
        ],
      });
      await insertApplication(tx, { name: 'Tenants', slug: 'tenants', providerId: tenants.id });
    });
    const address = server.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const issuer = new URL(`http://127.0.0.1:${port}/application/o/wiki/`);
    config = await client.discovery(issuer, 'wiki-client', 'wiki-secret-0123456789', undefined, {
      execute: [client.allowInsecureRequests],
    });
  });
  after(() => server?.close());

  /** Signs alice in through the real sign-in page and comes back with a code. */
  const authorize = (scope: string, extra: Record<string, string> = {}) =>
    signInAndAuthorize(config, {
      redirectUri: REDIRECT,
      scope,
      username: 'alice',
      password: 'alice-password',
      extra,
    });

  it('publishes discovery per application with the reference endpoint layout', () => {
    const meta = config.serverMetadata();
    assert.match(meta.issuer, /\/application\/o\/wiki\/$/);
    assert.match(meta.authorization_endpoint ?? '', /\/application\/o\/authorize\/$/);
    assert.match(meta.token_endpoint ?? '', /\/application\/o\/token\/$/);
    assert.match(meta.userinfo_endpoint ?? '', /\/application\/o\/userinfo\/$/);
    assert.match(meta.introspection_endpoint ?? '', /\/application\/o\/introspect\/$/);
    assert.match(meta.revocation_endpoint ?? '', /\/application\/o\/revoke\/$/);
    assert.match(meta.jwks_uri ?? '', /\/application\/o\/wiki\/jwks\/$/);
    assert.match(meta.end_session_endpoint ?? '', /\/application\/o\/wiki\/end-session\/$/);
  });

  it('runs the authorization code flow with PKCE, then userinfo, introspection and revocation', async () => {
    const { callback, verifier, state } = await authorize('openid profile email ak_proxy entitlements');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    assert.ok(claims?.sub);
    const info = await client.fetchUserInfo(config, tokens.access_token, claims?.sub ?? '');
    assert.equal(info.preferred_username, 'alice');
    assert.equal(info.email, 'alice@example.com');
    assert.deepEqual(info.groups, ['team']);
    assert.deepEqual(info.entitlements, []);
    // Group attributes (farther ancestors first), then the user's own on top.
    assert.deepEqual(info.ak_proxy, {
      user_attributes: { tier: 'team', region: 'eu', additionalHeaders: { 'X-Level': 'user' }, own: true },
      is_superuser: false,
    });
    const active = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.client_id, 'wiki-client');
    await client.tokenRevocation(config, tokens.access_token);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
  });

  it('rotates refresh tokens and revokes the grant when an old one is replayed', async () => {
    // OpenID Connect Core §11: offline_access is granted with prompt=consent.
    const { callback, verifier, state } = await authorize('openid offline_access', { prompt: 'consent' });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
    assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, true);
    await assert.rejects(
      client.refreshTokenGrant(config, tokens.refresh_token ?? ''),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
    // Reuse means the token leaked: everything issued under the grant is revoked.
    assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false);
    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token ?? ''));
  });

  it('issues a refresh token for offline_access without prompt=consent, as clients like Grafana expect', async () => {
    const { callback, verifier, state } = await authorize('openid offline_access');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    assert.ok(tokens.refresh_token, 'offline_access alone gives a refresh token');
    assert.match(String(tokens.scope), /offline_access/);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, true);
    // Without offline_access, still none.
    const plain = await authorize('openid');
    const noRefresh = await client.authorizationCodeGrant(config, plain.callback, {
      pkceCodeVerifier: plain.verifier,
      expectedState: plain.state,
    });
    assert.equal(noRefresh.refresh_token, undefined);
  });

  it('refuses a reused code and a wrong PKCE verifier', async () => {
    const first = await authorize('openid');
    await client.authorizationCodeGrant(config, first.callback, {
      pkceCodeVerifier: first.verifier,
      expectedState: first.state,
    });
    await assert.rejects(
      client.authorizationCodeGrant(config, first.callback, {
        pkceCodeVerifier: first.verifier,
        expectedState: first.state,
      }),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
    const second = await authorize('openid');
    await assert.rejects(
      client.authorizationCodeGrant(config, second.callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: second.state,
      }),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
  });

  it('issues client-credentials tokens to a confidential client', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'openid' });
    assert.ok(tokens.access_token);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, true);
  });

  it('refuses a redirect_uri that is not registered, without redirecting to it', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://evil.example/callback',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), /redirect_uri/);
  });

  it('shows an access-denied page to a user the application does not admit, and issues no code', async () => {
    const { db } = server.ctx;
    const outsider = await insertUser(db, {
      username: 'outsider',
      passwordHash: await hashPassword('outsider-password'),
    });
    const app = await findApplicationBySlug(db, 'wiki');
    assert.ok(app);
    await insertBinding(db, {
      target: app.uuid,
      userId: (await findUserByUsername(db, 'alice'))?.id ?? 0,
      order: 0,
    });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 'xyz',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const browser = cookieFetch(url.origin);
    let step = await browser.follow(url.href);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(await step.res.text())?.[1] ?? '';
    step = await browser.follow(step.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf_token: csrf,
        uid_field: outsider.username,
        password: 'outsider-password',
      }),
    });
    assert.equal(step.res.status, 403);
    assert.match(step.res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(step.res.headers.get('cache-control'), 'no-store');
    assert.match(await step.res.text(), /You are not allowed to use <strong>Wiki<\/strong>/);
    assert.ok(!step.url.startsWith(REDIRECT));
    const codes = await db.query(
      "SELECT 1 FROM oidc_models WHERE model = 'AuthorizationCode' AND payload->>'accountId' = $1",
      [String(outsider.id)],
    );
    assert.equal(codes.length, 0);
    // alice, who is bound, still gets in.
    const ok = await authorize('openid');
    assert.ok(ok.callback.searchParams.get('code'));
  });

  it('revokes the tokens issued under a core session when the user signs out, and says so', async () => {
    const { callback, verifier, state, browser } = await authorize('openid');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, true);
    const ended: Array<{ userId: number }> = [];
    const stop = server.ctx.events.on('session.end', (event) => ended.push(event));
    const signOutPage = await browser.request('/if/flow/default-invalidation-flow/');
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(await signOutPage.text())?.[1] ?? '';
    const res = await browser.request('/if/flow/default-invalidation-flow/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf }),
    });
    stop();
    assert.equal(res.status, 303);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
    assert.equal(ended.length, 1);
    assert.equal(ended[0]?.userId, (await findUserByUsername(server.ctx.db, 'alice'))?.id);
  });

  it('has no issuer for an application without an OAuth2 provider, nor for an unknown slug', async () => {
    const base = config.serverMetadata().issuer.replace('/wiki/', '');
    for (const slug of ['nothing', 'no-provider']) {
      const res = await fetch(`${base}/${slug}/.well-known/openid-configuration`);
      assert.equal(res.status, 404, slug);
    }
    const meta = config.serverMetadata();
    assert.deepEqual(meta.response_types_supported, ['code']);
    assert.equal(meta.pushed_authorization_request_endpoint, undefined);
  });

  it('answers an unknown scope with invalid_scope, and issues nothing', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid frobnicate',
      state: 'keep-me',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get('error'), 'invalid_scope');
    assert.equal(location.searchParams.get('state'), 'keep-me');
    assert.equal(location.searchParams.get('code'), null);
    assert.equal(location.searchParams.get('iss'), config.serverMetadata().issuer);
    // With a redirect URI the client does not own, the error is never sent there.
    const foreign = new URL(url);
    foreign.searchParams.set('redirect_uri', 'https://evil.example/callback');
    const refused = await fetch(foreign, { redirect: 'manual' });
    assert.equal(refused.status, 400);
    assert.equal(refused.headers.get('location'), null);
  });

  it('matches regex redirect URIs as a whole', async () => {
    const tenants = await client.discovery(
      new URL(config.serverMetadata().issuer.replace('/wiki/', '/tenants/')),
      'tenants-client',
      'tenants-secret-0123456789',
      undefined,
      { execute: [client.allowInsecureRequests] },
    );
    const attempt = async (redirect: string) => {
      const url = client.buildAuthorizationUrl(tenants, {
        redirect_uri: redirect,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      return fetch(url, { redirect: 'manual' });
    };
    const allowed = await attempt('https://acme.tenants.example.com/callback');
    assert.equal(allowed.status, 303);
    assert.match(allowed.headers.get('location') ?? '', /\/application\/o\/interaction\//);
    for (const refused of [
      'https://acme.tenants.example.com/callback/extra',
      'https://evil.example/?https://acme.tenants.example.com/callback',
      'https://regex-redirect-uris-only.invalid/',
    ]) {
      const res = await attempt(refused);
      assert.equal(res.status, 400, refused);
    }
  });

  it('serves the signing keys, and ID tokens verify against them', async () => {
    const { callback, verifier, state } = await authorize('openid');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const jwks = (await (await fetch(config.serverMetadata().jwks_uri ?? '')).json()) as {
      keys: Array<{ kid: string; kty: string; d?: string }>;
    };
    const [header] = (tokens.id_token ?? '').split('.');
    const kid = (JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as { kid: string }).kid;
    assert.ok(jwks.keys.some((k) => k.kid === kid && k.kty === 'RSA'));
    assert.ok(
      jwks.keys.every((k) => k.d === undefined),
      'no private key material is published',
    );
  });

  it('requires PKCE from public clients and refuses an expired code', async () => {
    const spaIssuer = new URL(config.serverMetadata().issuer.replace('/wiki/', '/spa/'));
    const spa = await client.discovery(spaIssuer, 'spa-client', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const withoutPkce = client.buildAuthorizationUrl(spa, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's',
    });
    const refused = await fetch(withoutPkce, { redirect: 'manual' });
    const location = new URL(refused.headers.get('location') ?? '', withoutPkce);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /requires PKCE/);

    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(spa, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = cookieFetch(url.origin);
    let step = await browser.follow(url.href);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(await step.res.text())?.[1] ?? '';
    step = await browser.follow(step.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf, uid_field: 'alice', password: 'alice-password' }),
    });
    const callback = new URL(step.url);
    assert.ok(callback.searchParams.get('code'));
    // The SPA provider's codes live one second.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await assert.rejects(
      client.authorizationCodeGrant(spa, callback, { pkceCodeVerifier: verifier, expectedState: 's' }),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
  });

  it('signs a service account in with an app password (the outposts Basic auth grant)', async () => {
    const { db, box } = server.ctx;
    const robot = await insertUser(db, { username: 'robot', type: 'service_account' });
    await insertToken(db, box, {
      identifier: 'robot-pw',
      intent: 'app_password',
      userId: robot.id,
      key: 'robot-app-password-0123456789',
      expiring: false,
    });
    await insertToken(db, box, {
      identifier: 'robot-api',
      intent: 'api',
      userId: robot.id,
      key: 'robot-api-token-0123456789',
      expiring: false,
    });
    const tokenEndpoint = config.serverMetadata().token_endpoint ?? '';
    const post = (username: string, password: string) =>
      fetch(tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'wiki-client',
          username,
          password,
        }),
      });
    // An earlier test bound the wiki to alice only: the service account is refused until it is bound too.
    const denied = await post('robot', 'robot-app-password-0123456789');
    assert.equal(denied.status, 400);
    assert.match(((await denied.json()) as { error_description: string }).error_description, /may not use/);
    const wiki = await findApplicationBySlug(db, 'wiki');
    await insertBinding(db, { target: wiki?.uuid ?? '', userId: robot.id, order: 1 });
    const grant = (username: string, password: string) =>
      fetch(tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'wiki-client',
          username,
          password,
          scope: 'openid profile ak_proxy',
        }),
      });
    const ok = await grant('robot', 'robot-app-password-0123456789');
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { access_token: string; id_token: string; expires_in: number };
    assert.ok(body.expires_in > 0);
    // The ID token verifies against the published keys, for this client, from this issuer.
    const { payload } = await jwtVerify(
      body.id_token,
      createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri ?? '')),
      {
        issuer: config.serverMetadata().issuer,
        audience: 'wiki-client',
      },
    );
    assert.equal(payload.preferred_username, 'robot');
    assert.ok(payload.ak_proxy);
    assert.equal((await client.tokenIntrospection(config, body.access_token)).active, true);
    const info = await client.fetchUserInfo(config, body.access_token, String(payload.sub));
    assert.equal(info.preferred_username, 'robot');
    // The provider's default sub mode (hashed_user_id), the same in the ID token and at userinfo.
    assert.equal(info.sub, userUid(server.ctx.installId, robot.id));
    assert.equal(payload.sub, info.sub);
    for (const [username, password] of [
      ['robot', 'wrong-password-0123456789'],
      ['robot', 'robot-api-token-0123456789'],
      ['alice', 'robot-app-password-0123456789'],
    ] as const) {
      const refused = await grant(username, password);
      assert.equal(refused.status, 400, `${username}/${password}`);
      assert.deepEqual(await refused.json(), {
        error: 'invalid_grant',
        error_description: 'Invalid username or app password.',
      });
    }
  });

  it('refuses a wrong client secret', async () => {
    const meta = config.serverMetadata();
    const wrong = new client.Configuration(meta, 'wiki-client', 'not-the-secret');
    client.allowInsecureRequests(wrong);
    await assert.rejects(
      client.clientCredentialsGrant(wrong, { scope: 'openid' }),
      (error: { error?: string }) => error.error === 'invalid_client',
    );
  });
});
