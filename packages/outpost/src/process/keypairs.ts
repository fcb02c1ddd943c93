import type { Logger } from './logger.ts';
import type { CoreClient } from './core-client.ts';

/** A TLS certificate and key (PEM), fetched from the core's certificate views. */
export interface TlsKeypair {
  certificatePem: string;
  /** Empty for a pair without a key (certificate only). */
  privateKeyPem: string;
}

/** The keypairs a configuration uses, kept between refreshes (proxy, LDAP and RADIUS all serve TLS). */
export interface KeypairCache {
  /**
   * The keypairs `uuids` name, each fetched again only when its fingerprint changed (spec §1.4). One that
   * cannot be fetched (or whose answer does not fit) is logged and keeps its previous copy, if any.
   */
  load(uuids: Iterable<string>): Promise<Map<string, TlsKeypair>>;
}

/** Builds the cache. */
export function createKeypairCache(client: CoreClient, log: Logger): KeypairCache {
  const cached = new Map<string, { fingerprint: string; keypair: TlsKeypair }>();
  return {
    async load(uuids) {
      const wanted = new Set(uuids);
      const result = new Map<string, TlsKeypair>();
      for (const uuid of wanted) {
        const previous = cached.get(uuid);
        try {
          const fingerprint = await client.keypairFingerprint(uuid);
          if (!previous || previous.fingerprint !== fingerprint || fingerprint === '') {
            const [certificatePem, privateKeyPem] = await Promise.all([
              client.keypairPem(uuid, 'certificate'),
              client.keypairPem(uuid, 'private_key'),
            ]);
            cached.set(uuid, { fingerprint, keypair: { certificatePem, privateKeyPem } });
          }
        } catch (error) {
          log.warn({ err: (error as Error).message, keypair: uuid }, 'could not fetch a certificate');
        }
        const keypair = cached.get(uuid)?.keypair;
        if (keypair) result.set(uuid, keypair);
      }
      for (const uuid of cached.keys()) if (!wanted.has(uuid)) cached.delete(uuid);
      return result;
    },
  };
}
