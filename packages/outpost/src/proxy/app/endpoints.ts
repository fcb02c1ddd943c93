/** Browser-facing and back-channel endpoints of a provider (spec proxy-outpost.md §2.4). */
import type { OidcConfiguration } from '../types.ts';

/** The endpoints an application uses, after rewriting. */
export interface Endpoints {
  /** Browser-facing. */
  authorize: string;
  /** Browser-facing. */
  endSession: string;
  /** Back-channel. */
  token: string;
  /** Back-channel. */
  introspection: string;
  /** Back-channel: where the token verifier fetches the keys. */
  jwks: string;
  /**
   * What X-authentik-meta-jwks names: the JWKS as the application can reach it. The embedded outpost fetches
   * from loopback, but the header names its `authentik_host` (issue 19: it named the loopback address).
   */
  jwksPublic: string;
  /** What the tokens' `iss` must equal. */
  issuer: string;
}

/** Replaces the scheme and host of `url` with those of `base`; unparsable URLs are returned unchanged. */
function rebase(url: string, base: URL): string {
  try {
    const target = new URL(url);
    target.protocol = base.protocol;
    target.host = base.host;
    return target.href;
  } catch {
    return url;
  }
}

/**
 * Standalone: as delivered, with AUTHENTIK_HOST_BROWSER replacing the host of authorize and end-session.
 * Embedded: authorize, end-session and the issuer use the outpost's config.authentik_host, and so does the
 * JWKS URL the identity headers name (the keys are still fetched from the URL delivered).
 */
export function rewriteEndpoints(
  oidc: OidcConfiguration,
  options: { embedded: boolean; hostBrowser?: URL; authentikHost?: URL },
): Endpoints {
  const endpoints: Endpoints = {
    authorize: oidc.authorization_endpoint,
    endSession: oidc.end_session_endpoint,
    token: oidc.token_endpoint,
    introspection: oidc.introspection_endpoint,
    jwks: oidc.jwks_uri,
    jwksPublic: oidc.jwks_uri,
    issuer: oidc.issuer,
  };
  if (options.embedded && options.authentikHost) {
    const base = options.authentikHost;
    return {
      ...endpoints,
      authorize: rebase(endpoints.authorize, base),
      endSession: rebase(endpoints.endSession, base),
      issuer: rebase(endpoints.issuer, base),
      jwksPublic: rebase(endpoints.jwks, base),
    };
  }
  if (!options.embedded && options.hostBrowser) {
    const base = options.hostBrowser;
    return {
      ...endpoints,
      authorize: rebase(endpoints.authorize, base),
      endSession: rebase(endpoints.endSession, base),
    };
  }
  return endpoints;
}
