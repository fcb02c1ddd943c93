/**
 * The outpost's TLS certificates on port 9443 (spec proxy-outpost.md §1.2, §1.4): the provider's keypair
 * when the SNI names its external host, else a self-signed fallback made once at start.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { generateSelfSigned } from '@palisade/x509';
import type { Logger, ProxyProviderConfig, TlsKeypair } from './types.ts';

/** The fallback certificate's common name, as the reference outpost names it. */
export const FALLBACK_COMMON_NAME = 'authentik default certificate';

const FALLBACK_VALIDITY_DAYS = 365;
// Renewed a day before it would expire, for outposts that run for a year.
const FALLBACK_RENEW_AFTER_MS = (FALLBACK_VALIDITY_DAYS - 1) * 86_400_000;

/** Per-host TLS contexts for the HTTPS listener. */
export interface TlsContexts {
  /**
   * Takes a fresh configuration. `certificates` is keyed by keypair UUID (a provider's `certificate`
   * field), as the process fetches them from the core's certificate views.
   */
  update(providers: readonly ProxyProviderConfig[], certificates: ReadonlyMap<string, TlsKeypair>): void;
  /** The context for an SNI server name (case-insensitive), the fallback when no provider's host matches. */
  secureContextFor(servername: string): SecureContext;
  /** The fallback keypair, for the listener's default (clients that send no SNI). */
  fallbackKeypair(): TlsKeypair;
}

interface Cached {
  certificatePem: string;
  privateKeyPem: string;
  context: SecureContext;
}

/** Lower case, without the trailing dot of a fully qualified name. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Creates the TLS contexts; the fallback is generated here, once. */
export function createTlsContexts(options: { log: Logger; now?: () => number }): TlsContexts {
  const now = options.now ?? Date.now;
  const makeFallback = () => {
    // ECDSA P-256: generated in milliseconds at start, and accepted by every TLS client in use.
    const keypair = generateSelfSigned({
      commonName: FALLBACK_COMMON_NAME,
      validityDays: FALLBACK_VALIDITY_DAYS,
      alg: 'ecdsa',
      now: new Date(now()),
    });
    const { certificatePem, privateKeyPem } = keypair;
    return {
      keypair,
      created: now(),
      context: createSecureContext({ cert: certificatePem, key: privateKeyPem }),
    };
  };
  let fallback = makeFallback();
  // Contexts by keypair UUID, reused while the PEM stays the same (refreshes come every few minutes).
  let byKeypair = new Map<string, Cached>();
  let byHost = new Map<string, SecureContext>();

  const fallbackContext = () => {
    if (now() - fallback.created > FALLBACK_RENEW_AFTER_MS) fallback = makeFallback();
    return fallback.context;
  };

  return {
    update(providers, certificates) {
      const nextByKeypair = new Map<string, Cached>();
      const nextByHost = new Map<string, SecureContext>();
      for (const provider of providers) {
        if (!provider.certificate) continue;
        let host: string;
        try {
          host = normalizeName(new URL(provider.external_host).hostname);
        } catch {
          continue; // the runtime skips such providers too (spec §1.4)
        }
        const keypair = certificates.get(provider.certificate);
        if (!keypair) {
          options.log.warn(
            { provider: provider.name, certificate: provider.certificate },
            'provider certificate not available, serving the default certificate',
          );
          continue;
        }
        let cached = nextByKeypair.get(provider.certificate) ?? byKeypair.get(provider.certificate);
        if (
          cached?.certificatePem !== keypair.certificatePem ||
          cached.privateKeyPem !== keypair.privateKeyPem
        ) {
          try {
            const context = createSecureContext({ cert: keypair.certificatePem, key: keypair.privateKeyPem });
            cached = { ...keypair, context };
          } catch (error) {
            // Bad PEM or a key that does not match the certificate: this host gets the fallback.
            options.log.error(
              { provider: provider.name, certificate: provider.certificate, error: (error as Error).message },
              'invalid provider certificate, serving the default certificate',
            );
            continue;
          }
        }
        nextByKeypair.set(provider.certificate, cached);
        if (nextByHost.has(host)) continue; // the first provider for a host name wins
        nextByHost.set(host, cached.context);
      }
      byKeypair = nextByKeypair;
      byHost = nextByHost;
    },
    secureContextFor(servername) {
      return byHost.get(normalizeName(servername)) ?? fallbackContext();
    },
    fallbackKeypair() {
      fallbackContext();
      return fallback.keypair;
    },
  };
}
