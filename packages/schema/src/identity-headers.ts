/**
 * The identity headers an outpost answers an allowed forward-auth check with, in the reference's order
 * (proxy-outpost spec §3.4). Proxies are told to copy exactly these: Traefik's `authResponseHeaders` (seed
 * 003's Middleware), the console's snippets, the Kubernetes controller's Middleware.
 */
export const IDENTITY_RESPONSE_HEADERS: readonly string[] = [
  'X-authentik-username',
  'X-authentik-groups',
  'X-authentik-entitlements',
  'X-authentik-email',
  'X-authentik-name',
  'X-authentik-uid',
  'X-authentik-jwt',
  'X-authentik-meta-jwks',
  'X-authentik-meta-outpost',
  'X-authentik-meta-provider',
  'X-authentik-meta-app',
  'X-authentik-meta-version',
];
