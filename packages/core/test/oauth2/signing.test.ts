import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { queryOne } from '../../src/db/database.ts';
import { insertGroup } from '../../src/identity/groups-repository.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { userUid } from '../../src/identity/user-uid.ts';
import { insertUser, type User } from '../../src/identity/users-repository.ts';
import { findUserByUsername } from '../../src/identity/users-repository.ts';
import { insertOAuth2Provider, type OAuth2Provider } from '../../src/oauth2/providers-repository.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';
import { signInAndAuthorize } from '../support/oidc-sign-in.ts';

const REDIRECT = 'https://app.example.com/callback';
const SECRET = 'app-secret-0123456789abcdef';

describe('token signing, subjects, sid and JWT access tokens (real server, openid-client)', () => {
  let server: RunningServer;
  let origin: string;
  let provider: OAuth2Provider;
  let alice: User;
  let adminToken: string;

  before(async () => {
    server = await startServer(testConfig({ PALISADE_LISTEN__HTTP: '127.0.0.1:0' }));
    const { db, box } = server.ctx;
    alice = await insertUser(db, {
      username: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
      attributes: { upn: 'alice@corp.example.com', host_header: 'wiki.internal' },
      passwordHash: await hashPassword('alice-password'),
    });
    await insertGroup(db, { name: 'staff', memberIds: [alice.id], attributes: { floor: 3 } });
    provider = await db.transaction(async (tx) => {
      const p = await insertOAuth2Provider(tx, box, {
        name: 'App provider',
        clientId: 'app-client',
        clientSecret: SECRET,
        redirectUris: [{ matching_mode: 'strict', url: REDIRECT }],
      });
      await insertApplication(tx, { name: 'App', slug: 'app', providerId: p.id });
      return p;
    });
    const address = server.app.server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    adminToken = 'signing-test-admin-token-0123456789';
    const admin = await findUserByUsername(db, 'akadmin');
    await insertToken(db, box, {
      identifier: 'signing-admin',
      intent: 'api',
      userId: admin?.id ?? 0,
      key: adminToken,
      expiring: false,
    });
  });
  after(() => server?.close());

  const discover = () =>
    client.discovery(new URL(`${origin}/application/o/app/`), 'app-client', SECRET, undefined, {
      execute: [client.allowInsecureRequests],
    });

  async function tokensFor(scope = 'openid profile email ak_proxy') {
    const config = await discover();
    const { callback, verifier, state } = await signInAndAuthorize(config, {
      redirectUri: REDIRECT,
      scope,
      username: 'alice',
      password: 'alice-password',
    });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    return { config, tokens };
  }

  async function admin(method: string, path: string, body?: unknown) {
    const res = await fetch(`${origin}/api/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  }

  const jwks = async () =>
    (
      (await (await fetch(`${origin}/application/o/app/jwks/`)).json()) as {
        keys: Array<{ kid: string; kty: string; d?: string }>;
      }
    ).keys;

  it('signs HS256 with the client secret when the provider has no signing key, and publishes no key', async () => {
    const { config, tokens } = await tokensFor();
    assert.deepEqual(config.serverMetadata().id_token_signing_alg_values_supported, ['HS256']);
    assert.equal(decodeProtectedHeader(tokens.id_token ?? '').alg, 'HS256');
    // openid-client already checked the signature with the secret; check it once more independently.
    const { payload } = await jwtVerify(tokens.id_token ?? '', new TextEncoder().encode(SECRET), {
      issuer: `${origin}/application/o/app/`,
      audience: 'app-client',
    });
    assert.equal(payload.preferred_username, 'alice');
    await assert.rejects(
      jwtVerify(tokens.id_token ?? '', new TextEncoder().encode('another-secret-0123456789')),
    );
    assert.deepEqual(await jwks(), []);
  });

  it('signs with the chosen keypair, and after a rotation publishes and signs with the new key only', async () => {
    const first = await admin('POST', '/crypto/certificatekeypairs/generate/', {
      common_name: 'sign-1',
      validity_days: 30,
      alg: 'rsa',
    });
    const second = await admin('POST', '/crypto/certificatekeypairs/generate/', {
      common_name: 'sign-2',
      validity_days: 30,
      alg: 'ecdsa',
    });
    await admin('PATCH', `/providers/oauth2/${provider.id}/`, { signing_key: first.pk });
    const before = await tokensFor();
    const beforeKid = decodeProtectedHeader(before.tokens.id_token ?? '');
    assert.equal(beforeKid.alg, 'RS256');
    const published = await jwks();
    assert.deepEqual(
      published.map((k) => [k.kid, k.kty]),
      [[beforeKid.kid, 'RSA']],
    );
    assert.ok(
      published.every((k) => k.d === undefined),
      'no private key material is published',
    );

    await admin('PATCH', `/providers/oauth2/${provider.id}/`, { signing_key: second.pk });
    const after = await tokensFor();
    const afterHeader = decodeProtectedHeader(after.tokens.id_token ?? '');
    assert.equal(afterHeader.alg, 'ES256');
    assert.notEqual(afterHeader.kid, beforeKid.kid);
    const rotated = await jwks();
    assert.deepEqual(
      rotated.map((k) => k.kid),
      [afterHeader.kid],
    );
    const keys = createRemoteJWKSet(new URL(`${origin}/application/o/app/jwks/`));
    await jwtVerify(after.tokens.id_token ?? '', keys, { audience: 'app-client' });
    await assert.rejects(jwtVerify(before.tokens.id_token ?? '', keys), 'the old key is gone');
    assert.deepEqual(after.config.serverMetadata().id_token_signing_alg_values_supported, ['ES256']);
    await admin('PATCH', `/providers/oauth2/${provider.id}/`, { signing_key: null });
  });

  it('refuses a signing key that cannot sign', async () => {
    const ed448 = await admin('POST', '/crypto/certificatekeypairs/generate/', {
      common_name: 'ed448',
      validity_days: 30,
      alg: 'ed448',
    });
    const res = await fetch(`${origin}/api/v3/providers/oauth2/${provider.id}/`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ signing_key: ed448.pk }),
    });
    assert.equal(res.status, 400);
    assert.ok('signing_key' in ((await res.json()) as object));
  });

  for (const [mode, expected] of [
    ['hashed_user_id', () => userUid(server.ctx.installId, alice.id)],
    ['user_id', () => String(alice.id)],
    ['user_uuid', () => alice.uuid],
    ['user_username', () => 'alice'],
    ['user_email', () => 'alice@example.com'],
    ['user_upn', () => 'alice@corp.example.com'],
  ] as const) {
    it(`names the user by ${mode} in the ID token, at userinfo and at introspection`, async () => {
      await admin('PATCH', `/providers/oauth2/${provider.id}/`, { sub_mode: mode });
      const { config, tokens } = await tokensFor('openid');
      const sub = tokens.claims()?.sub;
      assert.equal(sub, expected());
      assert.equal((await client.fetchUserInfo(config, tokens.access_token, sub ?? '')).sub, sub);
      assert.equal((await client.tokenIntrospection(config, tokens.access_token)).sub, sub);
    });
  }

  it('leaves the scopes claims to userinfo when the provider does not include them in the ID token', async () => {
    await admin('PATCH', `/providers/oauth2/${provider.id}/`, { include_claims_in_id_token: false });
    const { config, tokens } = await tokensFor('openid profile email');
    assert.equal(tokens.claims()?.preferred_username, undefined);
    const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub ?? '');
    assert.equal(info.preferred_username, 'alice');
    await admin('PATCH', `/providers/oauth2/${provider.id}/`, { include_claims_in_id_token: true });
  });

  it('carries the core session in sid, the SHA-256 of its key', async () => {
    const { tokens } = await tokensFor('openid');
    const sid = tokens.claims()?.sid;
    const row = await queryOne<{ key_digest: string }>(
      server.ctx.db,
      'SELECT key_digest FROM sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created DESC LIMIT 1',
      [alice.id],
    );
    assert.match(String(sid), /^[0-9a-f]{64}$/);
    assert.equal(sid, row?.key_digest);
  });

  it('issues JWT access tokens for its own audience to clients that want them, with the claims outposts read', async () => {
    await admin('PATCH', `/providers/oauth2/${provider.id}/`, { sub_mode: 'hashed_user_id' });
    await server.ctx.db.query(
      "UPDATE oauth2_providers SET access_token_format = 'jwt' WHERE provider_id = $1",
      [provider.id],
    );
    const { config, tokens } = await tokensFor('openid profile email ak_proxy');
    const { payload } = await jwtVerify(tokens.access_token, new TextEncoder().encode(SECRET), {
      issuer: config.serverMetadata().issuer,
      audience: 'app-client',
    });
    assert.equal(payload.sub, userUid(server.ctx.installId, alice.id));
    assert.equal(payload.preferred_username, 'alice');
    assert.equal(payload.email, 'alice@example.com');
    assert.deepEqual(payload.groups, ['staff']);
    assert.deepEqual(payload.ak_proxy, {
      user_attributes: { floor: 3, upn: 'alice@corp.example.com', host_header: 'wiki.internal' },
      is_superuser: false,
      host_header: 'wiki.internal',
    });
    assert.equal(payload.sid, tokens.claims()?.sid);
    assert.ok((payload.exp ?? 0) > Date.now() / 1000);
    // Tokens with an audience are not for userinfo (oidc-provider's rule); opaque ones stay usable there.
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, String(payload.sub)));
    await server.ctx.db.query(
      "UPDATE oauth2_providers SET access_token_format = 'opaque' WHERE provider_id = $1",
      [provider.id],
    );
  });
});
