import type Provider from 'oidc-provider';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { queryOne } from '../../db/database.ts';
import { publicOrigin } from '../../http/origin.ts';
import { createIssuer } from '../../oauth2/issuer.ts';
import { SIGNING_KEY_SQL } from '../../oauth2/signing-keys.ts';

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
      return publicOrigin(ctx, request);
    },
    async get(origin: string, slug: string): Promise<Provider> {
      // A new signing key (or a changed one) builds a new issuer, so JWKS and signatures follow a rotation;
      // so does any other provider setting that the issuer's configuration holds.
      const key = `${origin}|${slug}|${await issuerVersion(ctx.db, slug)}`;
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

/** What identifies the provider settings an application's issuer is built from (signing key, claims). */
async function issuerVersion(db: Queryable, slug: string): Promise<string> {
  const row = await queryOne<{ version: string | null }>(
    db,
    `SELECT o.include_claims_in_id_token::text || coalesce('|' || k.kp_uuid::text || '@' || k.last_updated::text, '') AS version
       FROM applications a JOIN oauth2_providers o ON o.provider_id = a.provider_id
       LEFT JOIN certificate_keypairs k ON k.kp_uuid = ${SIGNING_KEY_SQL}
      WHERE a.slug = $1`,
    [slug],
  );
  return row?.version ?? 'HS256';
}

export type IssuerCache = ReturnType<typeof createIssuerCache>;
