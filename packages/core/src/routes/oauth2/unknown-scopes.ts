import type Provider from 'oidc-provider';
import { SCOPE_MAPPINGS } from '../../oauth2/scope-mappings.ts';

const KNOWN_SCOPES = new Set<string>(SCOPE_MAPPINGS.map((m) => m.scopeName));

/**
 * An authorization request naming a scope the server does not know is answered with `invalid_scope`
 * (RFC 6749 §4.1.2.1) rather than silently narrowed, so a misconfigured client learns about it. The error goes
 * to the redirect URI only when that URI is registered for the client; otherwise oidc-provider answers the
 * request itself (it never redirects to an unregistered URI).
 */
export async function unknownScopeRedirect(
  issuer: Provider,
  params: URLSearchParams,
): Promise<string | undefined> {
  const unknown = (params.get('scope') ?? '').split(' ').filter((scope) => scope && !KNOWN_SCOPES.has(scope));
  if (unknown.length === 0) return undefined;
  const clientId = params.get('client_id');
  const redirectUri = params.get('redirect_uri');
  if (!clientId || !redirectUri) return undefined;
  const client = await issuer.Client.find(clientId);
  if (!client?.redirectUriAllowed(redirectUri)) return undefined;
  const target = new URL(redirectUri);
  target.searchParams.set('error', 'invalid_scope');
  target.searchParams.set('error_description', `unknown scope: ${unknown.join(' ')}`);
  const state = params.get('state');
  if (state !== null) target.searchParams.set('state', state);
  target.searchParams.set('iss', issuer.issuer);
  return target.href;
}
