/**
 * Introspection answers only for the calling client's own tokens (issue 13, finding 3), and understands the
 * core's JWT access tokens (finding 7): active while recorded and their grant lives, inactive once revoked,
 * signed out of, or presented by another application's client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { insertOAuth2Provider } from '../../src/oauth2/providers-repository.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { SIGN_OUT_PATH } from '../../src/routes/flows/sign-out.ts';
import { testConfig } from '../support/app.ts';
import { signInAndAuthorize, type AuthorizedCallback } from '../support/oidc-sign-in.ts';

const REDIRECT = 'https://rp.example.com/callback';
const APPS = {
  wiki: { clientId: 'wiki-client', secret: 'wiki-secret-0123456789', format: 'opaque' },
  chat: { clientId: 'chat-client', secret: 'chat-secret-0123456789', format: 'opaque' },
  proxy: { clientId: 'proxy-client', secret: 'proxy-secret-0123456789abcdef', format: 'jwt' },
  other: { clientId: 'other-proxy-client', secret: 'other-secret-0123456789abcdef', format: 'jwt' },
} as const;
type AppName = keyof typeof APPS;

describe('token introspection', () => {
  let server: RunningServer;
  let origin: string;
  const configs = {} as Record<AppName, client.Configuration>;

  before(async () => {
    server = await startServer(
      testConfig({ PALISADE_LISTEN__HTTP: '127.0.0.1:0', PALISADE_LOG_LEVEL: 'silent' }),
    );
    const { db, box } = server.ctx;
    await insertUser(db, {
      username: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
      attributes: {},
      passwordHash: await hashPassword('alice-password'),
    });
    for (const [slug, app] of Object.entries(APPS)) {
      await db.transaction(async (tx) => {
        const provider = await insertOAuth2Provider(tx, box, {
          name: `${slug} provider`,
          clientId: app.clientId,
          clientSecret: app.secret,
          accessTokenFormat: app.format,
          redirectUris: [{ matching_mode: 'strict', url: REDIRECT }],
        });
        await insertApplication(tx, { name: slug, slug, providerId: provider.id });
      });
    }
    const address = server.app.server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    for (const [slug, app] of Object.entries(APPS) as Array<[AppName, (typeof APPS)[AppName]]>) {
      configs[slug] = await client.discovery(
        new URL(`${origin}/application/o/${slug}/`),
        app.clientId,
        app.secret,
        undefined,
        { execute: [client.allowInsecureRequests] },
      );
    }
  });
  after(() => server?.close());

  const codeFlow = async (app: AppName) => {
    const config = configs[app];
    const authorized = await signInAndAuthorize(config, {
      redirectUri: REDIRECT,
      scope: 'openid profile email',
      username: 'alice',
      password: 'alice-password',
    });
    const tokens = await client.authorizationCodeGrant(config, authorized.callback, {
      pkceCodeVerifier: authorized.verifier,
      expectedState: authorized.state,
    });
    return { tokens, authorized };
  };

  /** The raw introspection answer, as an outpost sees it (client credentials in the form, as §2.4 says). */
  const introspect = async (app: AppName, token: string) => {
    const res = await fetch(`${origin}/application/o/introspect/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: APPS[app].clientId, client_secret: APPS[app].secret, token }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const signOut = async (authorized: AuthorizedCallback) => {
    const page = await (await authorized.browser.request(SIGN_OUT_PATH)).text();
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const res = await authorized.browser.request(SIGN_OUT_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf }),
    });
    assert.equal(res.status, 303);
  };

  it("answers active: false to a confidential client introspecting another application's token", async () => {
    const { tokens } = await codeFlow('wiki');
    const own = await introspect('wiki', tokens.access_token);
    assert.equal(own.body.active, true);
    assert.equal(own.body.client_id, 'wiki-client');
    const foreign = await introspect('chat', tokens.access_token);
    assert.equal(foreign.status, 200);
    assert.deepEqual(foreign.body, { active: false });
    const cc = await client.clientCredentialsGrant(configs.wiki, { scope: 'openid' });
    assert.deepEqual((await introspect('chat', cc.access_token)).body, { active: false });
    assert.equal((await introspect('wiki', cc.access_token)).body.active, true);
  });

  it("does not let another application's client revoke a token", async () => {
    const { tokens } = await codeFlow('wiki');
    await client.tokenRevocation(configs.chat, tokens.access_token);
    assert.equal((await introspect('wiki', tokens.access_token)).body.active, true);
  });

  it('introspects its own JWT access token with the claims, and refuses it to every other client', async () => {
    const { tokens } = await codeFlow('proxy');
    assert.equal(tokens.access_token.split('.').length, 3, 'a JWT access token');
    const own = await introspect('proxy', tokens.access_token);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.body.active, true);
    assert.equal(own.body.client_id, 'proxy-client');
    assert.equal(own.body.aud, 'proxy-client');
    assert.equal(own.body.iss, `${origin}/application/o/proxy/`);
    assert.equal(own.body.preferred_username, 'alice');
    assert.equal(own.body.email, 'alice@example.com');
    assert.equal(own.body.sub, tokens.claims()?.sub);
    assert.ok(typeof own.body.exp === 'number' && own.body.exp > Date.now() / 1000);
    for (const other of ['other', 'wiki', 'chat'] as const)
      assert.deepEqual((await introspect(other, tokens.access_token)).body, { active: false }, other);
  });

  it('answers active: false for a JWT whose signature or claims were altered', async () => {
    const { tokens } = await codeFlow('proxy');
    const [header, payload, signature] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, preferred_username: 'akadmin' })).toString(
      'base64url',
    );
    assert.deepEqual((await introspect('proxy', `${header}.${forged}.${signature}`)).body, {
      active: false,
    });
  });

  it('answers active: false once the JWT access token is revoked, or its session signed out', async () => {
    const first = await codeFlow('proxy');
    assert.equal((await introspect('proxy', first.tokens.access_token)).body.active, true);
    await client.tokenRevocation(configs.proxy, first.tokens.access_token);
    assert.deepEqual((await introspect('proxy', first.tokens.access_token)).body, { active: false });

    const second = await codeFlow('proxy');
    assert.equal((await introspect('proxy', second.tokens.access_token)).body.active, true);
    await signOut(second.authorized);
    assert.deepEqual((await introspect('proxy', second.tokens.access_token)).body, { active: false });
  });

  it('does not let another client revoke a JWT access token', async () => {
    const { tokens } = await codeFlow('proxy');
    await client.tokenRevocation(configs.other, tokens.access_token);
    assert.equal((await introspect('proxy', tokens.access_token)).body.active, true);
  });
});
