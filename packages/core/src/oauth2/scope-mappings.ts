import { createHash } from 'node:crypto';
import { SCOPE_CLAIMS } from './claims.ts';

/** A built-in scope mapping: which claims a scope releases, and how the consent page words it. */
export interface ScopeMapping {
  uuid: string;
  managed: string;
  name: string;
  scopeName: keyof typeof SCOPE_CLAIMS | 'offline_access';
  description: string;
  claims: readonly string[];
}

/** A stable uuid for a built-in object, derived from its managed name (the same on every installation). */
function stableUuid(name: string): string {
  const hex = createHash('sha1').update(`palisade:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function mapping(
  managed: string,
  name: string,
  scopeName: ScopeMapping['scopeName'],
  description: string,
): ScopeMapping {
  const claims = scopeName === 'offline_access' ? [] : SCOPE_CLAIMS[scopeName];
  return { uuid: stableUuid(managed), managed, name, scopeName, description, claims };
}

/** The scope mappings the authorization server knows, with the reference's managed names. */
export const SCOPE_MAPPINGS: readonly ScopeMapping[] = [
  mapping(
    'goauthentik.io/providers/oauth2/scope-openid',
    "authentik default OAuth Mapping: OpenID 'openid'",
    'openid',
    'Know who you are',
  ),
  mapping(
    'goauthentik.io/providers/oauth2/scope-email',
    "authentik default OAuth Mapping: OpenID 'email'",
    'email',
    'Read your email address',
  ),
  mapping(
    'goauthentik.io/providers/oauth2/scope-profile',
    "authentik default OAuth Mapping: OpenID 'profile'",
    'profile',
    'Read your name, username and groups',
  ),
  mapping(
    'goauthentik.io/providers/proxy/scope-proxy',
    'authentik default OAuth Mapping: Proxy outpost',
    'ak_proxy',
    'Read your attributes, for the proxy in front of it',
  ),
  mapping(
    'goauthentik.io/providers/oauth2/scope-entitlements',
    'authentik default OAuth Mapping: Application Entitlements',
    'entitlements',
    'Read what you are entitled to in it',
  ),
  mapping(
    'goauthentik.io/providers/oauth2/scope-offline_access',
    "authentik default OAuth Mapping: OpenID 'offline_access'",
    'offline_access',
    'Keep access while you are not using it',
  ),
];

/** The consent page's wording of a scope, or undefined for a scope the server does not know. */
export function describeScope(scope: string): string | undefined {
  return SCOPE_MAPPINGS.find((m) => m.scopeName === scope)?.description;
}
