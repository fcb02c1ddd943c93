import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import { findOAuth2ProviderByClientId, revealClientSecret } from './providers-repository.ts';
import { UNREACHABLE_REDIRECT_URI } from './redirect-uris.ts';
import { parseValidity } from './validity.ts';

/**
 * Storage of the authorization server's objects (codes, tokens, grants, sessions, interactions) in the
 * core's database, so any core replica can finish what another started, and revocation is immediate.
 * Clients are not stored here: they are read from the OAuth2 providers.
 */
export function createAdapterClass(db: Database, box: SecretBox) {
  return class DatabaseAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await db.query(
        `INSERT INTO oidc_models (model, id, payload, grant_id, uid, expires_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(secs => $6::int) END)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
        [
          this.model,
          id,
          JSON.stringify(payload),
          payload.grantId ?? null,
          payload.uid ?? null,
          expiresIn ?? null,
        ],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return clientMetadata(db, box, id);
      const row = await queryOne<{ payload: AdapterPayload; consumed: number | null }>(
        db,
        `SELECT payload, extract(epoch FROM consumed_at)::int AS consumed FROM oidc_models
         WHERE model = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > now())`,
        [this.model, id],
      );
      if (!row) return undefined;
      return row.consumed ? { ...row.payload, consumed: row.consumed } : row.payload;
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined; // The device flow is not enabled.
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const row = await queryOne<{ id: string }>(
        db,
        'SELECT id FROM oidc_models WHERE model = $1 AND uid = $2 AND (expires_at IS NULL OR expires_at > now())',
        [this.model, uid],
      );
      return row ? this.find(row.id) : undefined;
    }

    async consume(id: string): Promise<void> {
      await db.query('UPDATE oidc_models SET consumed_at = now() WHERE model = $1 AND id = $2', [
        this.model,
        id,
      ]);
    }

    async destroy(id: string): Promise<void> {
      await db.query('DELETE FROM oidc_models WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.query('DELETE FROM oidc_models WHERE grant_id = $1', [grantId]);
    }
  };
}

/** A provider as the authorization server's client metadata. */
async function clientMetadata(
  db: Database,
  box: SecretBox,
  clientId: string,
): Promise<AdapterPayload | undefined> {
  const provider = await findOAuth2ProviderByClientId(db, clientId);
  if (!provider?.applicationSlug) return undefined;
  const confidential = provider.clientType === 'confidential';
  const strict = provider.redirectUris.filter((r) => r.matching_mode === 'strict').map((r) => r.url);
  return {
    client_id: provider.clientId,
    ...(confidential ? { client_secret: await revealClientSecret(db, box, provider.id) } : {}),
    // oidc-provider needs at least one literal URI; with regex entries only, an unreachable URI no browser can
    // reach stands in, and the patterns are matched by the issuer (see redirect-uris.ts).
    redirect_uris: strict.length > 0 ? strict : [UNREACHABLE_REDIRECT_URI],
    'urn:palisade:redirect_regexes': provider.redirectUris
      .filter((r) => r.matching_mode === 'regex')
      .map((r) => r.url),
    grant_types: confidential
      ? ['authorization_code', 'refresh_token', 'client_credentials']
      : ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
    // "Pairwise" is how oidc-provider lets the issuer choose each client's subject: the provider's sub_mode
    // decides it (issuer.ts, pairwiseIdentifier), everywhere sub appears (ID token, userinfo, introspection).
    subject_type: 'pairwise',
    'urn:palisade:sub_mode': provider.subMode,
    'urn:palisade:access_token_format': provider.accessTokenFormat,
    // Which application (issuer) and provider the client belongs to, for the dispatcher and the claims.
    'urn:palisade:application': provider.applicationSlug,
    'urn:palisade:provider': provider.id,
    // Lifetimes travel with the client: oidc-provider asks for them synchronously.
    'urn:palisade:ttl': {
      AccessToken: parseValidity(provider.accessTokenValidity),
      AuthorizationCode: parseValidity(provider.accessCodeValidity),
      RefreshToken: parseValidity(provider.refreshTokenValidity),
    },
  };
}
