import type Provider from 'oidc-provider';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { requestOrigin } from '../../http/origin.ts';
import { createIssuer } from '../../oauth2/issuer.ts';

/** Most issuers kept built at once (one per application and origin); the oldest is dropped beyond it. */
const MAX_ISSUERS = 64;

/**
 * Keeps one authorization server per application (and per origin the core is reached at, unless
 * `external_url` fixes it), built on first use.
 */
export function createIssuerCache(ctx: AppContext) {
  const issuers = new Map<string, Promise<Provider>>();
  return {
    /** The origin issuers are named after: the configured external URL, else the request's own. */
    originOf(request: FastifyRequest): string {
      return requestOrigin(ctx, request);
    },
    get(origin: string, slug: string): Promise<Provider> {
      const key = `${origin}|${slug}`;
      let issuer = issuers.get(key);
      if (!issuer) {
        issuer = createIssuer(ctx, origin, slug);
        issuer.catch(() => issuers.delete(key));
        issuers.set(key, issuer);
        if (issuers.size > MAX_ISSUERS) {
          const oldest = issuers.keys().next().value;
          if (oldest !== undefined) issuers.delete(oldest);
        }
      }
      return issuer;
    },
  };
}

export type IssuerCache = ReturnType<typeof createIssuerCache>;
