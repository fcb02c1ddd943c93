/**
 * Certificates for LDAPS and StartTLS (spec §1.1), as the reference means rather than does: the provider
 * whose `tls_server_name` is the SNI name; else the one keypair every provider with a certificate shares
 * (a single provider's, usually); else a self-signed certificate made at start.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { generateSelfSigned } from '@palisade/x509';
import type { TlsKeypair } from '../process/keypairs.ts';
import type { LdapProvider } from './config.ts';

/** The fallback certificate's common name. */
export const FALLBACK_COMMON_NAME = 'authentik default certificate';

/** Chooses a context per handshake. */
export class LdapTlsContexts {
  private readonly fallback: SecureContext;
  private bySni = new Map<string, SecureContext>();
  private shared: SecureContext | undefined;

  constructor() {
    const keypair = generateSelfSigned({ commonName: FALLBACK_COMMON_NAME, validityDays: 365, alg: 'ecdsa' });
    this.fallback = createSecureContext({
      cert: keypair.certificatePem,
      key: keypair.privateKeyPem,
      minVersion: 'TLSv1.2',
    });
  }

  /** Takes a configuration's providers and their fetched keypairs (by UUID). */
  update(providers: readonly LdapProvider[], keypairs: ReadonlyMap<string, TlsKeypair>): void {
    const contexts = new Map<string, SecureContext>();
    const contextOf = (uuid: string): SecureContext | undefined => {
      const keypair = keypairs.get(uuid);
      if (!keypair || keypair.privateKeyPem === '') return undefined;
      let context = contexts.get(uuid);
      if (!context) {
        context = createSecureContext({
          cert: keypair.certificatePem,
          key: keypair.privateKeyPem,
          minVersion: 'TLSv1.2',
        });
        contexts.set(uuid, context);
      }
      return context;
    };
    const bySni = new Map<string, SecureContext>();
    for (const p of providers) {
      const context = p.certificate ? contextOf(p.certificate) : undefined;
      if (context && p.tlsServerName) bySni.set(p.tlsServerName.toLowerCase().replace(/\.$/, ''), context);
    }
    const certificates = new Set(providers.flatMap((p) => (p.certificate ? [p.certificate] : [])));
    const [only] = certificates;
    this.shared = certificates.size === 1 && only ? contextOf(only) : undefined;
    this.bySni = bySni;
  }

  /** The context for `servername` ('' when the client sent none). */
  secureContextFor(servername: string): SecureContext {
    return this.bySni.get(servername.toLowerCase().replace(/\.$/, '')) ?? this.shared ?? this.fallback;
  }
}
