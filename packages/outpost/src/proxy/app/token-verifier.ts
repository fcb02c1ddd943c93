/**
 * Verification of the tokens the core issues to a proxy provider (spec §2.3): HS256 with the client secret
 * when the provider signs that way, else the provider's JWKS fetched through the back channel and cached.
 * Audience must contain client_id, the issuer must match, exp is enforced.
 */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { ProxyProviderConfig, SessionClaims } from '../types.ts';
import { claimsFrom } from './claims.ts';
import type { Endpoints } from './endpoints.ts';

/** Algorithms verified with a published key; anything else the discovery document lists is ignored. */
const ASYMMETRIC_ALGORITHMS = new Set(['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA']);

/** Verifies one provider's tokens. */
export interface TokenVerifier {
  /** The verified claims; throws when the token is not acceptable. */
  verify(token: string): Promise<SessionClaims>;
  /** Algorithms this verifier accepts (empty: every token is refused). */
  readonly algorithms: readonly string[];
}

/** Builds the verifier for a provider. */
export function createTokenVerifier(
  config: ProxyProviderConfig,
  endpoints: Endpoints,
  coreFetch: (url: string, init?: RequestInit) => Promise<Response>,
  now: () => number,
): TokenVerifier {
  const advertised = config.oidc_configuration.id_token_signing_alg_values_supported ?? [];
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (advertised.includes('HS256')) {
    key = new TextEncoder().encode(config.client_secret);
    algorithms = ['HS256'];
  } else {
    key = createRemoteJWKSet(new URL(endpoints.jwks), {
      [customFetch]: (url: string, init: RequestInit) => coreFetch(url, init),
      cacheMaxAge: 10 * 60_000,
      cooldownDuration: 30_000,
    });
    algorithms = advertised.filter((alg) => ASYMMETRIC_ALGORITHMS.has(alg));
  }
  return {
    algorithms,
    async verify(token) {
      if (algorithms.length === 0) throw new Error('no acceptable signing algorithm configured');
      const options = {
        algorithms,
        issuer: endpoints.issuer,
        audience: config.client_id,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(now()),
      };
      const { payload } =
        key instanceof Uint8Array
          ? await jwtVerify(token, key, options)
          : await jwtVerify(token, key, options);
      const claims = claimsFrom(payload, token);
      if (!claims) throw new Error('token lacks sub or exp');
      return claims;
    },
  };
}
