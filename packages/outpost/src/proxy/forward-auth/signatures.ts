/** The query signatures that turn any URL into the callback or the sign-out (spec §2.3). */

/** `X-authentik-auth-callback=true` → callback, `X-authentik-logout=true` → logout (values case-insensitive). */
export function signatureOf(query: URLSearchParams): 'callback' | 'logout' | undefined {
  if (query.get('X-authentik-auth-callback')?.toLowerCase() === 'true') return 'callback';
  if (query.get('X-authentik-logout')?.toLowerCase() === 'true') return 'logout';
  return undefined;
}
