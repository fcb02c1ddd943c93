import { importJWK, SignJWT } from 'jose';
import type Provider from 'oidc-provider';
import { findApplicationBySlug } from '../applications/applications-repository.ts';
import type { AppContext } from '../context.ts';
import { throttleAddressKey } from '../flows/client-address.ts';
import { findTokenByKey, isTokenExpired } from '../identity/tokens-repository.ts';
import { findUserByUsername, type User } from '../identity/users-repository.ts';
import { evaluateAccess } from '../policies/engine.ts';
import { SCOPE_CLAIMS, subjectFor, userClaims } from './claims.ts';
import { type OAuth2Provider, revealClientSecret } from './providers-repository.ts';
import { signingKeyOf, signingMaterialOf } from './signing-keys.ts';

export type GrantAnswer = { status: number; body: Record<string, unknown> };

const invalidGrant = (description: string): GrantAnswer => ({
  status: 400,
  body: { error: 'invalid_grant', error_description: description },
});

/**
 * The reference's extension of the client-credentials grant that outposts use for HTTP Basic sign-in:
 * `grant_type=client_credentials&client_id=…&username=<user>&password=<app password token>`. The user (often
 * a service account) proves itself with an app-password token instead of the client proving itself with its
 * secret; the answer is an access token and an ID token for that user. Failures count against the sign-in
 * limits like password guesses, and every kind of failure reads the same.
 */
export async function serviceAccountGrant(
  ctx: AppContext,
  issuer: Provider,
  provider: OAuth2Provider,
  form: URLSearchParams,
  address: string,
): Promise<GrantAnswer> {
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  // Counted as the sign-in page counts it (an IPv6 client by its /64), against the same budget.
  const addressKey = throttleAddressKey(address);
  const decision = ctx.throttle.check(username, addressKey);
  if (!decision.allowed) return invalidGrant('Too many failed attempts; try again later.');
  const user = await findUserByUsername(ctx.db, username);
  const token = password ? await findTokenByKey(ctx.db, ctx.box, password) : undefined;
  const valid =
    user?.isActive &&
    token !== undefined &&
    token.userId === user.id &&
    token.intent === 'app_password' &&
    !isTokenExpired(token);
  if (!user || !valid) {
    ctx.throttle.recordFailure(username, addressKey);
    return invalidGrant('Invalid username or app password.');
  }
  ctx.throttle.recordSuccess(username, addressKey);
  const application = provider.applicationSlug
    ? await findApplicationBySlug(ctx.db, provider.applicationSlug)
    : undefined;
  if (!application) return invalidGrant('The client serves no application.');
  const access = await evaluateAccess(ctx.db, application.uuid, application.policyEngineMode, user.id);
  if (!access.passing) return invalidGrant('The user may not use this application.');
  return issueTokens(ctx, issuer, provider, user, requestedScopes(form.get('scope')));
}

function requestedScopes(scope: string | null): string[] {
  const known = new Set([...Object.keys(SCOPE_CLAIMS)]);
  const scopes = (scope ?? 'openid').split(' ').filter((s) => known.has(s));
  return scopes.includes('openid') ? scopes : ['openid', ...scopes];
}

async function issueTokens(
  ctx: AppContext,
  issuer: Provider,
  provider: OAuth2Provider,
  user: User,
  scopes: string[],
): Promise<GrantAnswer> {
  const client = await issuer.Client.find(provider.clientId);
  if (!client) return invalidGrant('Unknown client.');
  const accountId = String(user.id);
  const grant = new issuer.Grant({ accountId, clientId: provider.clientId });
  grant.addOIDCScope(scopes.join(' '));
  const grantId = await grant.save();
  const accessToken = new issuer.AccessToken({
    accountId,
    client,
    grantId,
    scope: scopes.join(' '),
    gty: 'client_credentials',
  });
  const value = await accessToken.save();
  const expiresIn = accessToken.expiration;

  const claims = await userClaims(ctx, user);
  const released = new Set<string>(
    scopes.flatMap((s) => [...(SCOPE_CLAIMS[s as keyof typeof SCOPE_CLAIMS] ?? [])]),
  );
  // Signed as the provider's ID tokens are: its keypair, or HS256 with the client secret.
  const material = await signingMaterialOf(ctx, await signingKeyOf(ctx.db, provider));
  const key =
    material.alg === 'HS256'
      ? new TextEncoder().encode((await revealClientSecret(ctx.db, ctx.box, provider.id)) ?? '')
      : await importJWK(material.privateJwk as Parameters<typeof importJWK>[0], material.alg);
  const now = Math.floor(Date.now() / 1000);
  const idToken = await new SignJWT({
    ...Object.fromEntries(Object.entries(claims).filter(([name]) => released.has(name))),
    auth_time: now,
    azp: provider.clientId,
  })
    .setProtectedHeader({
      alg: material.alg,
      typ: 'JWT',
      ...(material.alg === 'HS256' ? {} : { kid: material.privateJwk.kid }),
    })
    .setIssuer(issuer.issuer)
    .setSubject(subjectFor(ctx.installId, user, provider.subMode))
    .setAudience(provider.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key);
  return {
    status: 200,
    body: {
      access_token: value,
      token_type: 'Bearer',
      expires_in: expiresIn,
      scope: scopes.join(' '),
      id_token: idToken,
    },
  };
}
