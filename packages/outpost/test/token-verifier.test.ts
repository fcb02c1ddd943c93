/**
 * The token verifier (src/proxy/app/token-verifier.ts) on its own: a provider signing with a keypair, its JWKS
 * served over real HTTP, and tokens signed here with the provider's keys and with others. Everything that is
 * not a valid token of this provider is refused (fail closed).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import { rewriteEndpoints } from '../src/proxy/app/endpoints.ts';
import { createTokenVerifier } from '../src/proxy/app/token-verifier.ts';
import type { ProxyProviderConfig } from '../src/proxy/types.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const nowSeconds = Math.floor(NOW / 1000);
const CLIENT_ID = 'proxy-client-id';
const CLIENT_SECRET = 'proxy-client-secret-0123456789abcdefghijklmnopqrstuvwxyz';

type Key = Awaited<ReturnType<typeof generateKeyPair>>;

/** A JWKS endpoint on 127.0.0.1 whose answer a test can change. */
interface JwksServer {
  url: string;
  /** What the next request gets: the keys, or a status and raw body. */
  answer: { keys: JWK[] } | { status: number; body: string };
  requests: number;
  close(): Promise<void>;
}

async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const state: Pick<JwksServer, 'answer' | 'requests'> = { answer: { keys }, requests: 0 };
  const server: Server = createServer((_req, res) => {
    state.requests++;
    const answer = state.answer;
    if ('keys' in answer) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    } else {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/application/o/app/jwks/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function providerConfig(issuer: string, jwksUri: string, algorithms: string[]): ProxyProviderConfig {
  return {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    oidc_configuration: {
      issuer,
      authorization_endpoint: `${issuer}authorize/`,
      token_endpoint: `${issuer}token/`,
      userinfo_endpoint: `${issuer}userinfo/`,
      end_session_endpoint: `${issuer}end-session/`,
      introspection_endpoint: `${issuer}introspect/`,
      jwks_uri: jwksUri,
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: algorithms,
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
  } as ProxyProviderConfig;
}

function verifierFor(config: ProxyProviderConfig, now = NOW) {
  const endpoints = rewriteEndpoints(config.oidc_configuration, { embedded: false });
  return createTokenVerifier(
    config,
    endpoints,
    (url, init) => fetch(url, init),
    () => now,
  );
}

/** A JWT with the provider's claims, signed as `sign` says. */
function token(
  claims: Record<string, unknown>,
  header: { alg: string; kid?: string },
  key: Key['privateKey'] | Uint8Array,
): Promise<string> {
  return new SignJWT({ sub: 'user-sub', preferred_username: 'alice', ...claims })
    .setProtectedHeader(header)
    .sign(key);
}

/** An unsecured JWT (`alg: none`), which jose will not sign: header.payload. with an empty signature. */
function unsecured(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

describe('token verification against the JWKS of a provider that signs with a keypair', () => {
  let jwks: JwksServer;
  let rsa: Key;
  let ec: Key;
  let stranger: Key;
  let issuer = '';
  let claims: Record<string, unknown>;

  before(async () => {
    [rsa, ec, stranger] = await Promise.all([
      generateKeyPair('RS256'),
      generateKeyPair('ES256'),
      generateKeyPair('RS256'),
    ]);
    const publish = async (key: Key, kid: string, alg: string) => ({
      ...(await exportJWK(key.publicKey)),
      kid,
      alg,
      use: 'sig',
    });
    jwks = await startJwksServer([await publish(rsa, 'rsa-1', 'RS256'), await publish(ec, 'ec-1', 'ES256')]);
    issuer = `${new URL(jwks.url).origin}/application/o/app/`;
    claims = { iss: issuer, aud: CLIENT_ID, exp: nowSeconds + 600, iat: nowSeconds - 5 };
  });
  after(() => jwks?.close());

  it('accepts valid RS256 and ES256 tokens and reads their claims', async () => {
    const verifier = verifierFor(providerConfig(issuer, jwks.url, ['RS256', 'ES256']));
    assert.deepEqual(verifier.algorithms, ['RS256', 'ES256']);
    const fromRsa = await verifier.verify(
      await token(claims, { alg: 'RS256', kid: 'rsa-1' }, rsa.privateKey),
    );
    assert.equal(fromRsa.sub, 'user-sub');
    assert.equal(fromRsa.preferred_username, 'alice');
    const fromEc = await verifier.verify(await token(claims, { alg: 'ES256', kid: 'ec-1' }, ec.privateKey));
    assert.equal(fromEc.exp, nowSeconds + 600);
    // An audience list containing the client id is fine too.
    await verifier.verify(
      await token({ ...claims, aud: ['other', CLIENT_ID] }, { alg: 'RS256', kid: 'rsa-1' }, rsa.privateKey),
    );
  });

  it('refuses a token signed by another key, under a published kid or an unknown one', async () => {
    const verifier = verifierFor(providerConfig(issuer, jwks.url, ['RS256', 'ES256']));
    for (const kid of ['rsa-1', 'stranger', undefined]) {
      const forged = await token(claims, { alg: 'RS256', ...(kid ? { kid } : {}) }, stranger.privateKey);
      await assert.rejects(verifier.verify(forged), `kid ${kid}`);
    }
    // The EC key's signature presented as the RSA key's.
    await assert.rejects(verifier.verify(await token(claims, { alg: 'ES256', kid: 'rsa-1' }, ec.privateKey)));
  });

  it('refuses an expired token, a wrong issuer and a wrong audience', async () => {
    const verifier = verifierFor(providerConfig(issuer, jwks.url, ['RS256']));
    const signed = (extra: Record<string, unknown>) =>
      token({ ...claims, ...extra }, { alg: 'RS256', kid: 'rsa-1' }, rsa.privateKey);
    await assert.rejects(verifier.verify(await signed({ exp: nowSeconds - 1 })), /exp/);
    await assert.rejects(
      verifier.verify(await signed({ iss: 'http://127.0.0.1/application/o/other/' })),
      /iss/,
    );
    await assert.rejects(verifier.verify(await signed({ aud: 'another-client' })), /aud/);
    await assert.rejects(verifier.verify(await signed({ sub: undefined })));
    await assert.rejects(verifier.verify(await signed({ exp: undefined })));
    // Still valid one second before it expires, as the verifier's clock says.
    const late = verifierFor(providerConfig(issuer, jwks.url, ['RS256']), (nowSeconds + 599) * 1000);
    await late.verify(await signed({}));
  });

  it('refuses alg=none, and HS256 made with the client secret or the public key (algorithm confusion)', async () => {
    const verifier = verifierFor(providerConfig(issuer, jwks.url, ['RS256', 'ES256']));
    await assert.rejects(verifier.verify(unsecured({ ...claims, sub: 'user-sub' })));
    const secret = new TextEncoder().encode(CLIENT_SECRET);
    await assert.rejects(verifier.verify(await token(claims, { alg: 'HS256', kid: 'rsa-1' }, secret)));
    const publicPem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    await assert.rejects(verifier.verify(await token(claims, { alg: 'HS256', kid: 'rsa-1' }, publicPem)));
  });

  it('accepts only the algorithms the provider advertises; none usable refuses everything', async () => {
    const ecOnly = verifierFor(providerConfig(issuer, jwks.url, ['ES256']));
    await assert.rejects(
      ecOnly.verify(await token(claims, { alg: 'RS256', kid: 'rsa-1' }, rsa.privateKey)),
      /alg/,
    );
    const unusable = verifierFor(providerConfig(issuer, jwks.url, ['none', 'PS512']));
    assert.deepEqual(unusable.algorithms, []);
    await assert.rejects(
      unusable.verify(await token(claims, { alg: 'RS256', kid: 'rsa-1' }, rsa.privateKey)),
      /no acceptable signing algorithm/,
    );
    await assert.rejects(unusable.verify(unsecured(claims)));
  });

  it('refuses every token while the JWKS cannot be had: down, an error, or not a key set', async () => {
    const valid = await token(claims, { alg: 'RS256', kid: 'rsa-1' }, rsa.privateKey);
    const down = verifierFor(providerConfig(issuer, 'http://127.0.0.1:1/jwks/', ['RS256']));
    await assert.rejects(down.verify(valid));
    const saved = jwks.answer;
    try {
      for (const answer of [
        { status: 500, body: '{"detail":"boom"}' },
        { status: 200, body: 'not json' },
        { status: 200, body: '{"keys":"nope"}' },
        { status: 200, body: '{"keys":[]}' },
      ]) {
        jwks.answer = answer;
        // A fresh verifier each time: the key set is cached per provider.
        await assert.rejects(
          verifierFor(providerConfig(issuer, jwks.url, ['RS256'])).verify(valid),
          answer.body,
        );
      }
    } finally {
      jwks.answer = saved;
    }
  });

  it('caches the key set: many verifications, one JWKS request', async () => {
    const verifier = verifierFor(providerConfig(issuer, jwks.url, ['RS256']));
    const from = jwks.requests;
    for (let i = 0; i < 5; i++)
      await verifier.verify(await token(claims, { alg: 'RS256', kid: 'rsa-1' }, rsa.privateKey));
    assert.equal(jwks.requests - from, 1);
  });
});

describe('token verification of a provider that signs HS256 with its client secret', () => {
  const issuer = 'http://core.test/application/o/app/';
  const claims = { iss: issuer, aud: CLIENT_ID, exp: nowSeconds + 600 };
  const verifier = verifierFor(providerConfig(issuer, 'http://127.0.0.1:1/never-fetched/', ['HS256']));
  const secret = new TextEncoder().encode(CLIENT_SECRET);

  it('accepts a token made with the client secret, and nothing else', async () => {
    assert.deepEqual(verifier.algorithms, ['HS256']);
    assert.equal((await verifier.verify(await token(claims, { alg: 'HS256' }, secret))).sub, 'user-sub');
    const other = new TextEncoder().encode(`${CLIENT_SECRET}-not`);
    await assert.rejects(verifier.verify(await token(claims, { alg: 'HS256' }, other)));
    await assert.rejects(verifier.verify(unsecured(claims)));
    const { privateKey } = await generateKeyPair('RS256');
    await assert.rejects(verifier.verify(await token(claims, { alg: 'RS256' }, privateKey)));
    await assert.rejects(
      verifier.verify(await token({ ...claims, exp: nowSeconds - 1 }, { alg: 'HS256' }, secret)),
    );
    await assert.rejects(verifier.verify(await token({ ...claims, aud: 'x' }, { alg: 'HS256' }, secret)));
    await assert.rejects(
      verifier.verify(await token({ ...claims, iss: 'http://x/' }, { alg: 'HS256' }, secret)),
    );
  });
});
