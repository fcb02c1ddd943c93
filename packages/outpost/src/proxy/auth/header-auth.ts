/**
 * Sign-in by Authorization header (spec §7.2): Bearer tokens through the provider's introspection endpoint,
 * Basic credentials through the client-credentials grant with an app password (or `goauthentik.io/token` as
 * the username: the password is a bearer token). Successes are cached 60 s under a SHA-256 of the header.
 */
import { createHash } from 'node:crypto';
import type { Application } from '../app/application.ts';
import { claimsFrom } from '../app/claims.ts';
import type { RuntimeContext } from '../context.ts';
import type { SessionClaims } from '../types.ts';

/** The username that marks a Basic password as a bearer token. */
export const TOKEN_USERNAME = 'goauthentik.io/token';

/** The result of header sign-in; `isOpaque` when claims came from introspection rather than a JWT we verified. */
export interface HeaderIdentity {
  claims: SessionClaims;
  isOpaque: boolean;
}

const cacheKey = (app: Application, header: string): string =>
  createHash('sha256').update(app.config.client_id).update('\0').update(header).digest('hex');

async function postForm(ctx: RuntimeContext, url: string, form: Record<string, string>): Promise<unknown> {
  const res = await ctx.options.coreFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  if (res.status > 200) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status}`);
  }
  return res.json();
}

/** Introspects a bearer token; only an active token issued to this very provider is accepted. */
async function introspect(app: Application, ctx: RuntimeContext, token: string): Promise<SessionClaims> {
  const answer = (await postForm(ctx, app.endpoints.introspection, {
    client_id: app.config.client_id,
    client_secret: app.config.client_secret,
    token,
  })) as Record<string, unknown>;
  if (answer.active !== true) throw new Error('token not active');
  const audience = Array.isArray(answer.aud) ? answer.aud : [answer.aud];
  if (answer.client_id !== app.config.client_id && !audience.includes(app.config.client_id))
    throw new Error('token issued to another client');
  const claims = claimsFrom(answer, token);
  if (!claims) throw new Error('introspection answer lacks sub or exp');
  return claims;
}

/** Exchanges Basic credentials (user + app password) for an ID token and verifies it. */
async function clientCredentials(app: Application, ctx: RuntimeContext, username: string, password: string) {
  const answer = (await postForm(ctx, app.endpoints.token, {
    grant_type: 'client_credentials',
    client_id: app.config.client_id,
    username,
    password,
    scope: app.config.scopes_to_request.join(' '),
  })) as Record<string, unknown>;
  if (typeof answer.id_token !== 'string') throw new Error('no id_token in the token answer');
  return app.verifier.verify(answer.id_token);
}

/** Splits an Authorization header into its scheme and credentials. */
function parseAuthorization(header: string): { scheme: string; credentials: string } | undefined {
  const match = /^([A-Za-z]+) +(\S+)\s*$/.exec(header);
  return match ? { scheme: (match[1] ?? '').toLowerCase(), credentials: match[2] ?? '' } : undefined;
}

/** Signs in by header; undefined (logged at debug, without the credentials) when it does not succeed. */
export async function authenticateHeader(
  app: Application,
  ctx: RuntimeContext,
  header: string,
): Promise<HeaderIdentity | undefined> {
  const key = cacheKey(app, header);
  const cached = ctx.headerCache.get(key);
  if (cached) return { claims: cached, isOpaque: true };
  const parsed = parseAuthorization(header);
  if (!parsed) return undefined;
  try {
    let identity: HeaderIdentity | undefined;
    if (parsed.scheme === 'bearer')
      identity = { claims: await introspect(app, ctx, parsed.credentials), isOpaque: true };
    else if (parsed.scheme === 'basic') {
      const decoded = Buffer.from(parsed.credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return undefined;
      const username = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      identity =
        username === TOKEN_USERNAME
          ? { claims: await introspect(app, ctx, password), isOpaque: true }
          : { claims: await clientCredentials(app, ctx, username, password), isOpaque: false };
    }
    if (!identity || identity.claims.exp * 1000 <= ctx.now()) return undefined;
    ctx.headerCache.set(key, identity.claims);
    return identity;
  } catch (error) {
    ctx.options.log.debug(
      {
        provider: app.config.name,
        reason: 'header authentication failed',
        scheme: parsed.scheme,
        error: (error as Error).message,
      },
      'header authentication refused',
    );
    return undefined;
  }
}
