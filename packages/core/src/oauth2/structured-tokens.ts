/**
 * Introspection and revocation of the core's own JWT access tokens. oidc-provider keeps no copy of a JWT
 * access token and answers `unsupported_token_type` when one is introspected or revoked; outposts (ours and
 * the reference's) sign users in by Bearer token through introspection alone (spec: proxy outpost §7.2), so
 * the core records each JWT it issues (formats.customizers.jwt) and answers for it itself, after the
 * endpoint authenticated the client (a documented post-middleware, see oidc-provider's "use" example).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, type Adapter, type KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { jwtVerify } from 'jose';
import type { SigningMaterial } from './signing-keys.ts';

/** The adapter model under which issued JWT access tokens are recorded (id = jti, grant_id = their grant). */
export const JWT_ACCESS_TOKEN_MODEL = 'JwtAccessToken';

/**
 * Whether `client` may learn about (introspect) or revoke a token issued to `tokenClientId`: only its own.
 * An application has one provider, so "the same application" is the same client; another application's
 * client, confidential or not, learns nothing (issue 13, finding 3).
 */
export function isOwnToken(client: { clientId: string }, tokenClientId: unknown): boolean {
  return typeof tokenClientId === 'string' && tokenClientId === client.clientId;
}

interface IssuedToken {
  jti: string;
  exp?: number;
  grantId?: string;
  clientId?: string;
  accountId?: string;
}

/**
 * formats.customizers.jwt: records every JWT access token before it is signed and handed out, so that
 * introspection finds it at once, and revoking its grant (sign-out, refresh-token replay) or the token
 * itself deletes the record.
 */
export function recordJwtAccessTokens(adapter: Adapter) {
  return async (_koa: KoaContextWithOIDC, token: unknown): Promise<void> => {
    const t = token as IssuedToken;
    const now = Math.floor(Date.now() / 1000);
    const ttl = Math.max((t.exp ?? now) - now, 1);
    await adapter.upsert(
      t.jti,
      { jti: t.jti, grantId: t.grantId, clientId: t.clientId, accountId: t.accountId, exp: t.exp },
      ttl,
    );
  };
}

/** The key a client's JWT access tokens verify with: the provider's public key, or HS256 with its secret. */
function verificationKey(
  material: SigningMaterial,
  client: { clientSecret?: string },
): KeyObject | Uint8Array {
  if (material.alg === 'HS256') return new TextEncoder().encode(client.clientSecret ?? '');
  return createPublicKey({ key: material.privateJwk, format: 'jwk' });
}

/**
 * A JWT access token's claims when it is this issuer's, issued to `client`, unexpired, still recorded and,
 * when it belongs to a grant, the grant is still live; otherwise undefined.
 */
async function liveClaims(
  provider: Provider,
  adapter: Adapter,
  material: SigningMaterial,
  client: { clientId: string; clientSecret?: string },
  token: string,
): Promise<Record<string, unknown> | undefined> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, verificationKey(material, client), {
      issuer: provider.issuer,
      audience: client.clientId,
      typ: 'at+jwt',
      algorithms: [material.alg],
    }));
  } catch {
    return undefined;
  }
  if (!isOwnToken(client, payload.client_id) || typeof payload.jti !== 'string') return undefined;
  const record = (await adapter.find(payload.jti)) as IssuedToken | undefined;
  if (!record || record.clientId !== client.clientId) return undefined;
  if (record.grantId) {
    const grant = await provider.Grant.find(record.grantId);
    if (!grant || grant.clientId !== client.clientId) return undefined;
  }
  return payload;
}

/**
 * Lets the introspection and revocation endpoints answer for the issuer's JWT access tokens: introspection
 * with the token's claims and `active: true` (or `active: false`), revocation by deleting the record. Only
 * requests oidc-provider refused as structured tokens reach this, which it does after client authentication.
 */
export function serveStructuredTokens(provider: Provider, adapter: Adapter, material: SigningMaterial): void {
  const refused = new WeakSet<object>();
  const markStructured = (koa: KoaContextWithOIDC, error: unknown) => {
    if (error instanceof errors.UnsupportedTokenType) refused.add(koa);
  };
  provider.on('introspection.error', markStructured);
  provider.on('revocation.error', markStructured);
  provider.use(async (koa, next) => {
    await next();
    if (!refused.has(koa)) return;
    const oidc = (koa as KoaContextWithOIDC).oidc;
    const client = oidc.client;
    const token = oidc.params?.token;
    if (!client || typeof token !== 'string') return;
    const claims = await liveClaims(provider, adapter, material, client, token);
    koa.status = 200;
    if (oidc.route === 'revocation') {
      // RFC 7009 §2.2: an unknown or foreign token is answered 200 too.
      if (claims) await adapter.destroy(String(claims.jti));
      koa.body = '';
      return;
    }
    koa.type = 'application/json; charset=utf-8';
    koa.body = claims ? { ...claims, active: true, token_type: 'Bearer' } : { active: false };
  });
}
