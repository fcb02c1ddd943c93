import { issueRefreshTokensForOfflineAccess } from './offline-access.ts';
import Provider, { type Configuration } from 'oidc-provider';
import type { AppContext } from '../context.ts';
import { SESSION_COOKIE } from '../http/authenticate.ts';
import { findUserById } from '../identity/users-repository.ts';
import { endSessionByCookie } from '../sessions/end-session.ts';
import { createAdapterClass } from './adapter.ts';
import { logoutPages } from './logout-pages.ts';
import { SCOPE_CLAIMS, sessionIdOfGrant, subjectFor, userClaims } from './claims.ts';
import { findOAuth2ProviderBySlug } from './providers-repository.ts';
import { allowRegexRedirectUris } from './redirect-uris.ts';
import { signingKeyOf, signingMaterialOf } from './signing-keys.ts';
import {
  isOwnToken,
  JWT_ACCESS_TOKEN_MODEL,
  recordJwtAccessTokens,
  serveStructuredTokens,
} from './structured-tokens.ts';
import { accessTokenClaims, jwtAccessTokens, KNOWN_SCOPES } from './token-claims.ts';

/** Where the authorization server lives; every application's issuer is `<base>/<slug>/`. */
export const OAUTH2_BASE = '/application/o';

/** The interaction page oidc-provider sends browsers to when it needs a sign-in or consent. */
export function interactionPath(uid: string): string {
  return `${OAUTH2_BASE}/interaction/${uid}/`;
}

type TtlKind = 'AccessToken' | 'AuthorizationCode' | 'RefreshToken';

/**
 * Builds the authorization server of one application: oidc-provider (OpenID certified) with its objects in
 * the core's database, the core's session for sign-in (see routes/oauth2/interaction.ts), the reference's
 * endpoint layout (shared authorize/token/userinfo/introspect/revoke, per-application end-session and jwks),
 * and token lifetimes taken from the client's provider.
 */
export async function createIssuer(ctx: AppContext, origin: string, slug: string): Promise<Provider> {
  const client = await findOAuth2ProviderBySlug(ctx.db, slug);
  // Tokens are signed with the provider's keypair, or HS256 with the client secret when it has none.
  const material = await signingMaterialOf(ctx, client ? await signingKeyOf(ctx.db, client) : null);
  const ttlOf = (client: unknown, kind: TtlKind) =>
    (client as { 'urn:palisade:ttl'?: Record<TtlKind, number> } | undefined)?.['urn:palisade:ttl']?.[kind];
  const ttl = (kind: TtlKind, fallback: number) => (_koa: unknown, _token: unknown, client?: unknown) =>
    ttlOf(client, kind) ?? fallback;
  const DatabaseAdapter = createAdapterClass(ctx.db, ctx.box);
  const jwtRecords = new DatabaseAdapter(JWT_ACCESS_TOKEN_MODEL);
  const configuration: Configuration = {
    adapter: DatabaseAdapter,
    jwks: { keys: material.alg === 'HS256' ? [] : [material.privateJwk as never] },
    enabledJWA: { idTokenSigningAlgValues: [material.alg] },
    clientDefaults: { id_token_signed_response_alg: material.alg },
    // The reference puts the scopes' claims in the ID token too unless the provider says not to.
    conformIdTokenClaims: !(client?.includeClaimsInIdToken ?? true),
    subjectTypes: ['public', 'pairwise'],
    // The provider's sub_mode, applied wherever oidc-provider writes sub (see the client's subject_type).
    pairwiseIdentifier: async (_koa, accountId, client) => {
      const user = await findUserById(ctx.db, Number(accountId));
      const mode = (client as unknown as { 'urn:palisade:sub_mode'?: string })['urn:palisade:sub_mode'];
      return user ? subjectFor(ctx.installId, user, mode ?? 'hashed_user_id') : accountId;
    },
    extraTokenClaims: accessTokenClaims(ctx),
    // JWT access tokens are recorded as they are issued, so introspection can answer for them.
    formats: { customizers: { jwt: recordJwtAccessTokens(jwtRecords) } },
    cookies: { keys: [ctx.box.digest('oidc-cookies')] },
    extraClientMetadata: {
      properties: [
        'urn:palisade:application',
        'urn:palisade:provider',
        'urn:palisade:ttl',
        'urn:palisade:redirect_regexes',
        'urn:palisade:sub_mode',
        'urn:palisade:access_token_format',
      ],
    },
    findAccount: async (_koa, id, token) => {
      const user = await findUserById(ctx.db, Number(id));
      if (!user?.isActive) return undefined;
      return {
        accountId: id,
        claims: async () => {
          const sid = await sessionIdOfGrant(ctx.db, (token as { grantId?: string } | undefined)?.grantId);
          return { ...(await userClaims(ctx, user)), ...(sid ? { sid } : {}) } as never;
        },
      };
    },
    claims: Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    responseTypes: ['code'],
    scopes: KNOWN_SCOPES,
    features: {
      devInteractions: { enabled: false },
      // A client may introspect or revoke its own tokens only (an application has one client, so that is
      // also "its application's"); outposts introspect the bearer tokens users send them with their
      // provider's own credentials. Another application's client gets `active: false`.
      introspection: {
        enabled: true,
        allowedPolicy: async (_koa, client, token) => isOwnToken(client, token.clientId),
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_koa, client, token) => isOwnToken(client, token.clientId),
      },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true, ...logoutPages(ctx) },
      // Not routed under /application/o/ (the reference has no such endpoint).
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: jwtAccessTokens(material, (client) => ttlOf(client, 'AccessToken') ?? 3600),
    },
    pkce: { required: (_koa, client) => client.tokenEndpointAuthMethod === 'none' },
    routes: {
      authorization: '/authorize/',
      token: '/token/',
      userinfo: '/userinfo/',
      introspection: '/introspect/',
      revocation: '/revoke/',
      end_session: `/${slug}/end-session/`,
      jwks: `/${slug}/jwks/`,
    },
    interactions: { url: (_koa, interaction) => interactionPath(interaction.uid) },
    ttl: {
      AccessToken: ttl('AccessToken', 3600),
      AuthorizationCode: ttl('AuthorizationCode', 60),
      RefreshToken: ttl('RefreshToken', 2592000),
      ClientCredentials: ttl('AccessToken', 3600),
      Interaction: 3600,
      Session: ctx.config.session.max_age_seconds,
      Grant: ctx.config.session.max_age_seconds,
    },
    rotateRefreshToken: true,
    renderError: async (koa, out) => {
      koa.type = 'html';
      koa.body = `<!doctype html><title>Error</title><h1>${escape(out.error)}</h1><p>${escape(out.error_description ?? '')}</p>`;
    },
  };
  const provider = new Provider(`${origin}${OAUTH2_BASE}/${slug}/`, configuration);
  allowRegexRedirectUris(provider);
  serveStructuredTokens(provider, jwtRecords, material);
  issueRefreshTokensForOfflineAccess(provider, '/authorize/');
  // RP-initiated logout signs the user out of the core, not only out of the authorization server's own
  // session: the core session ends, with every token issued under it, and outposts hear SESSION_END.
  provider.on('end_session.success', (koa: { cookies: { get(name: string): string | undefined } }) => {
    const cookie = koa.cookies.get(SESSION_COOKIE);
    if (cookie) void endSessionByCookie(ctx, cookie).catch(() => {});
  });
  // Token endpoint outcomes for palisade_oauth2_grants_total.
  const grantType = (koa: { oidc?: { params?: Record<string, unknown> } }) =>
    String(koa.oidc?.params?.grant_type ?? 'unknown');
  provider.on('grant.success', (koa) => ctx.metrics.oauth2Grant(grantType(koa), 'success'));
  provider.on('grant.error', (koa) => ctx.metrics.oauth2Grant(grantType(koa), 'error'));
  // The core hands over requests with X-Forwarded-* rewritten from what it trusts (routes/oauth2/index.ts).
  provider.proxy = true;
  return provider;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
