/**
 * TLS contexts by server name (SNI) for port 9443: the provider's certificate when it has one, else a
 * self-signed fallback made once. A stop-gap beside tls.ts (proxy mode's TLS side), to be folded into it.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { generateSelfSigned } from '@palisade/x509';
import type { HostRouter } from './app/host-routing.ts';
import type { TlsKeypair } from './types.ts';
import { canonicalHost } from './url/canonical.ts';

/** Picks contexts for server names. */
export interface SecureContexts {
  contextFor(servername: string): SecureContext;
}

/** Builds the picker over the current applications and certificates (keyed by keypair UUID). */
export function createSecureContexts(
  current: () => { router: HostRouter; certificates: ReadonlyMap<string, TlsKeypair> },
): SecureContexts {
  let fallback: SecureContext | undefined;
  const cache = new WeakMap<TlsKeypair, SecureContext>();
  const fallbackContext = () => {
    if (!fallback) {
      const pair = generateSelfSigned({
        commonName: 'authentik default certificate',
        validityDays: 365,
        alg: 'ecdsa',
      });
      fallback = createSecureContext({ cert: pair.certificatePem, key: pair.privateKeyPem });
    }
    return fallback;
  };
  return {
    contextFor(servername) {
      const { router, certificates } = current();
      const host = canonicalHost(servername);
      const app = host ? router.applications.find((candidate) => candidate.host === host) : undefined;
      const pair = app?.config.certificate ? certificates.get(app.config.certificate) : undefined;
      if (!pair) return fallbackContext();
      let context = cache.get(pair);
      if (!context) {
        try {
          context = createSecureContext({ cert: pair.certificatePem, key: pair.privateKeyPem });
        } catch {
          return fallbackContext();
        }
        cache.set(pair, context);
      }
      return context;
    },
  };
}
