import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import { findManagedKeypair, insertKeypair } from './keypairs-repository.ts';
import { generateSelfSigned } from '@palisade/x509';

/** The built-in keypair's managed name and display name (the reference's, so its docs still apply). */
export const SELF_SIGNED_MANAGED = 'goauthentik.io/crypto/self-signed';
export const SELF_SIGNED_NAME = 'authentik Self-signed Certificate';

/**
 * Makes the built-in self-signed keypair when it is missing (first start, or deleted by an admin): a signing
 * key for OAuth2 providers that need an asymmetric one, and the TLS fallback. Replicas starting together keep
 * whichever was stored first.
 */
export async function ensureSelfSignedKeypair(ctx: AppContext, log: FastifyBaseLogger): Promise<void> {
  if (await findManagedKeypair(ctx.db, SELF_SIGNED_MANAGED)) return;
  const generated = generateSelfSigned({ commonName: 'authentik default certificate', validityDays: 365 });
  try {
    await insertKeypair(ctx.db, ctx.box, {
      name: SELF_SIGNED_NAME,
      managed: SELF_SIGNED_MANAGED,
      certificatePem: generated.certificatePem,
      privateKeyPem: generated.privateKeyPem,
    });
    log.info({ keypair: SELF_SIGNED_NAME }, 'created the self-signed certificate');
  } catch (error) {
    // Another replica made it meanwhile (or an admin's pair holds the name): nothing more to do.
    if ((error as { code?: string }).code !== '23505') throw error;
  }
}
