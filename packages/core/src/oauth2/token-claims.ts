import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { AppContext } from '../context.ts';
import { findUserById } from '../identity/users-repository.ts';
import { SCOPE_CLAIMS, sessionIdOfGrant, userClaims } from './claims.ts';
import type { SigningMaterial } from './signing-keys.ts';

/** Every scope the server knows, granted to a client's own JWT audience when it asks for them. */
export const KNOWN_SCOPES = ['openid', 'profile', 'email', 'ak_proxy', 'entitlements', 'offline_access'];

interface ClientLike {
  clientId: string;
  clientSecret?: string;
  'urn:palisade:access_token_format'?: string;
}

/** The resource indicator that stands for a client's own audience (JWT access tokens, aud = client_id). */
export function ownResource(client: ClientLike): string {
  return `urn:palisade:client:${client.clientId}`;
}

/**
 * oidc-provider's resourceIndicators feature, used for one thing: clients whose provider wants JWT access
 * tokens (proxy providers: their outposts verify the access token itself, with aud = client_id, as the
 * reference's do) get every access token for their own audience, signed like their ID tokens. Other clients
 * keep opaque tokens, which remain usable at userinfo (oidc-provider refuses audience-bound tokens there).
 */
export function jwtAccessTokens(material: SigningMaterial, ttl: (client: unknown) => number) {
  return {
    enabled: true,
    defaultResource: async (_koa: KoaContextWithOIDC, client: unknown) =>
      (client as ClientLike)['urn:palisade:access_token_format'] === 'jwt'
        ? ownResource(client as ClientLike)
        : undefined,
    useGrantedResource: async () => true,
    getResourceServerInfo: async (_koa: KoaContextWithOIDC, resource: string, client: unknown) => {
      const c = client as ClientLike;
      if (c['urn:palisade:access_token_format'] !== 'jwt' || resource !== ownResource(c))
        throw new errors.InvalidTarget();
      return {
        scope: KNOWN_SCOPES.join(' '),
        audience: c.clientId,
        accessTokenFormat: 'jwt' as const,
        accessTokenTTL: ttl(client),
        jwt: {
          sign:
            material.alg === 'HS256'
              ? { alg: 'HS256' as const, key: Buffer.from(c.clientSecret ?? '') }
              : { alg: material.alg },
        },
      };
    },
  };
}

interface TokenLike {
  kind?: string;
  accountId?: string;
  grantId?: string;
  scope?: string;
}

/**
 * Claims carried by access tokens themselves: what the granted scopes release about the user, and the core
 * session's `sid`. JWT access tokens show them to outposts; opaque ones show them through introspection
 * (which is how outposts read bearer tokens). `sub` is left to oidc-provider, which applies the sub mode.
 */
export function accessTokenClaims(ctx: AppContext) {
  return async (_koa: KoaContextWithOIDC, token: unknown): Promise<Record<string, unknown> | undefined> => {
    const t = token as TokenLike;
    if (t.kind !== 'AccessToken' || !t.accountId) return undefined;
    const user = await findUserById(ctx.db, Number(t.accountId));
    if (!user) return undefined;
    const claims = await userClaims(ctx, user);
    const released = new Set<string>(
      (t.scope ?? '').split(' ').flatMap((s) => [...(SCOPE_CLAIMS[s as keyof typeof SCOPE_CLAIMS] ?? [])]),
    );
    released.delete('sub');
    const extra: Record<string, unknown> = Object.fromEntries(
      Object.entries(claims).filter(([name]) => released.has(name)),
    );
    const sid = await sessionIdOfGrant(ctx.db, t.grantId);
    if (sid) extra.sid = sid;
    return extra;
  };
}
