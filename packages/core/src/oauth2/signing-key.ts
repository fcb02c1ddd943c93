import { generateKeyPairSync, type JsonWebKey, randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { queryOne } from '../db/database.ts';

const SETTING = 'oidc_signing_jwk';

/**
 * The authorization server's RSA signing key (for id tokens of providers that have no keypair of their own),
 * made once per installation and kept sealed with the secret key, so every replica signs with the same key.
 */
export async function ensureSigningJwk(ctx: AppContext): Promise<JsonWebKey & { kid: string }> {
  const existing = await queryOne<{ value: string }>(
    ctx.db,
    'SELECT value FROM instance_settings WHERE key = $1',
    [SETTING],
  );
  if (existing) return JSON.parse(ctx.box.open(existing.value)) as JsonWebKey & { kid: string };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  // Another replica may have stored one meanwhile: keep the first, and use whatever is stored.
  await ctx.db.query(
    'INSERT INTO instance_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
    [SETTING, ctx.box.seal(JSON.stringify(jwk))],
  );
  const stored = await queryOne<{ value: string }>(
    ctx.db,
    'SELECT value FROM instance_settings WHERE key = $1',
    [SETTING],
  );
  if (!stored) throw new Error('signing key was not stored');
  return JSON.parse(ctx.box.open(stored.value)) as JsonWebKey & { kid: string };
}
