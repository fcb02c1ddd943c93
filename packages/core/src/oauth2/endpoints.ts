import { OAUTH2_BASE } from './issuer.ts';

/** The URLs of one application's authorization server, in the reference's layout (see docs/oauth2.md). */
export interface ApplicationEndpoints {
  issuer: string;
  discovery: string;
  authorize: string;
  token: string;
  userinfo: string;
  introspect: string;
  revoke: string;
  endSession: string;
  jwks: string;
}

/** Where the application `slug`'s issuer and endpoints are, for a core reached at `origin`. */
export function applicationEndpoints(origin: string, slug: string): ApplicationEndpoints {
  const base = `${origin}${OAUTH2_BASE}`;
  return {
    issuer: `${base}/${slug}/`,
    discovery: `${base}/${slug}/.well-known/openid-configuration`,
    authorize: `${base}/authorize/`,
    token: `${base}/token/`,
    userinfo: `${base}/userinfo/`,
    introspect: `${base}/introspect/`,
    revoke: `${base}/revoke/`,
    endSession: `${base}/${slug}/end-session/`,
    jwks: `${base}/${slug}/jwks/`,
  };
}
