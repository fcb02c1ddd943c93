import { createHash, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { parsePrivateKey } from '../crypto/certificate-info.ts';
import { findKeypair, revealPrivateKey } from '../crypto/keypairs-repository.ts';
import { SELF_SIGNED_MANAGED } from '../crypto/default-keypair.ts';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';

/** The JWS algorithms a keypair can sign tokens with, by its key. */
export type AsymmetricAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/**
 * How a provider's tokens are signed: with its keypair (the JWKS publishes the public half), or, when it has
 * none, HS256 with the client secret, as proxy providers are (their outposts hold the secret).
 */
export type SigningMaterial =
  | { alg: 'HS256' }
  | { alg: AsymmetricAlgorithm; privateJwk: JsonWebKey & { kid: string; alg: string; use: 'sig' } };

/** The JWS algorithm a private key signs with; undefined for keys tokens cannot use (DSA, Ed448, …). */
export function signingAlgorithmOf(key: KeyObject): AsymmetricAlgorithm | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
  }
  return undefined;
}

/** Why a keypair cannot sign tokens, or undefined when it can. */
export async function signingKeyProblem(
  ctx: AppContext,
  db: Queryable,
  uuid: string,
): Promise<string | undefined> {
  const keypair = await findKeypair(db, uuid);
  if (!keypair) return `Invalid pk "${uuid}" - object does not exist.`;
  const key = parsePrivateKey((await revealPrivateKey(db, ctx.box, uuid)) ?? '');
  if (!key) return 'This certificate-key pair has no private key to sign with.';
  if (!signingAlgorithmOf(key))
    return 'Tokens cannot be signed with this key type (use RSA, EC P-256/384/521 or Ed25519).';
  return undefined;
}

/**
 * The keypair that signs a provider's tokens: its own, or for a public client without one the built-in
 * self-signed keypair (a public client holds no secret, so HS256 would sign with a value anyone can read).
 * Null means HS256 with the client secret.
 */
export const SIGNING_KEY_SQL = `coalesce(o.signing_key, CASE WHEN o.client_type = 'public' THEN
  (SELECT kp_uuid FROM certificate_keypairs WHERE managed = '${SELF_SIGNED_MANAGED}') END)`;

/** The uuid of the keypair that signs a provider's tokens (see SIGNING_KEY_SQL), or null for HS256. */
export async function signingKeyOf(db: Queryable, provider: { id: number }): Promise<string | null> {
  const row = await queryOne<{ key: string | null }>(
    db,
    `SELECT ${SIGNING_KEY_SQL} AS key FROM oauth2_providers o WHERE o.provider_id = $1`,
    [provider.id],
  );
  return row?.key ?? null;
}

/**
 * The signing material of a provider whose signing key is `uuid` (or null). A keypair that lost its private
 * key, or whose key can't sign tokens, falls back to HS256 rather than failing every sign-in.
 */
export async function signingMaterialOf(ctx: AppContext, uuid: string | null): Promise<SigningMaterial> {
  if (!uuid) return { alg: 'HS256' };
  const key = parsePrivateKey((await revealPrivateKey(ctx.db, ctx.box, uuid)) ?? '');
  const alg = key && signingAlgorithmOf(key);
  if (!key || !alg) return { alg: 'HS256' };
  const jwk = key.export({ format: 'jwk' });
  // The kid is the key's own thumbprint-like digest, so a rotated key gets a new kid.
  const kid = createHash('sha256')
    .update(JSON.stringify([jwk.kty, jwk.crv, jwk.n, jwk.x]))
    .digest('base64url');
  return { alg, privateJwk: { ...jwk, kid, alg, use: 'sig' } };
}
