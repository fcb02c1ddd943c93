import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import type { RedirectUri } from '../oauth2/providers-repository.ts';
import { SCOPE_MAPPINGS } from '../oauth2/scope-mappings.ts';
import { addPropertyMappings } from '../providers/property-mappings-repository.ts';

/** The query parameter by which an outpost recognises the OAuth callback (spec §2.3). */
export const CALLBACK_SIGNATURE = 'X-authentik-auth-callback';

/** The scope mappings every proxy provider releases, so its outposts get identity and ak_proxy claims. */
export const DEFAULT_PROXY_SCOPE_MAPPINGS: readonly string[] = [
  'goauthentik.io/providers/oauth2/scope-openid',
  'goauthentik.io/providers/oauth2/scope-profile',
  'goauthentik.io/providers/oauth2/scope-email',
  'goauthentik.io/providers/proxy/scope-proxy',
].map((managed) => {
  const mapping = SCOPE_MAPPINGS.find((m) => m.managed === managed);
  if (!mapping) throw new Error(`built-in scope mapping ${managed} is missing`);
  return mapping.uuid;
});

/** Escapes text to match itself in a regular expression (also under the `u` flag the issuer matches with). */
export function escapeRegExp(text: string): string {
  // Only the syntax characters: `u` refuses needless escapes such as `\-`, and `/` needs none in a RegExp.
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * The redirect URIs of a proxy provider's client: the outpost's callback under external_host, and
 * external_host itself, each with the callback signature (spec §2.1), as regular expressions of the escaped
 * host. The outpost joins the callback path onto external_host's path, so a trailing `/` is not doubled
 * (the reference's urljoin would drop a path such as `/app` instead, and its outposts could not sign in).
 */
export function callbackRedirectUris(externalHost: string): RedirectUri[] {
  const query = `\\?${CALLBACK_SIGNATURE}=true`;
  return [
    {
      matching_mode: 'regex',
      url: `${escapeRegExp(externalHost.replace(/\/+$/, ''))}${escapeRegExp('/outpost.goauthentik.io/callback')}${query}`,
    },
    { matching_mode: 'regex', url: `${escapeRegExp(externalHost)}${query}` },
  ];
}

/**
 * Puts a proxy provider's OAuth2 client back into the only shape its outposts can use: confidential, no
 * signing key (tokens are HS256-signed with the client secret, which the outpost holds), claims in the ID
 * token, JWT access tokens, the callback redirect URIs of its current external_host, and the default scope mappings beside any
 * chosen ones. Called after every change to the provider, through either API. Answers false when the
 * provider is not a proxy provider (nothing is changed then).
 */
export async function keepProxyClientInStep(db: Queryable, providerId: number): Promise<boolean> {
  const proxy = await queryOne<{ external_host: string }>(
    db,
    'SELECT external_host FROM proxy_providers WHERE provider_id = $1',
    [providerId],
  );
  if (!proxy) return false;
  await db.query(
    `UPDATE oauth2_providers SET client_type = 'confidential', signing_key = NULL,
       include_claims_in_id_token = true, redirect_uris = $2,
       -- Outposts verify the access token itself (aud = client_id, HS256 with the client secret).
       access_token_format = 'jwt'
     WHERE provider_id = $1`,
    [providerId, JSON.stringify(callbackRedirectUris(proxy.external_host))],
  );
  await addPropertyMappings(db, providerId, DEFAULT_PROXY_SCOPE_MAPPINGS);
  return true;
}
