/**
 * The warm cache (docs/radius.md, "Warm cache"): with a provider's `auth_cache_seconds` above 0, a repeated
 * PAP request from the same NAS for the same user and password is answered from the outcome of a recent
 * successful authentication (the same Access-Accept attributes) instead of running the flow again.
 *
 * - Only successes are kept, and never one a one-time MFA code passed (a code must not pass twice).
 * - The key is an HMAC-SHA256 under a key drawn at start and never leaving the process: no password or
 *   unkeyed digest of one is held, so a memory dump gives no offline guess at a password.
 * - An entry goes when its lifetime ends (the provider's seconds, or the core session's end if sooner), when
 *   SESSION_END names the session its flow created, and when its provider's configuration changes or
 *   leaves this outpost (retainProviders, at each refresh).
 */
import { createHash, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import type { Attribute } from './packet.ts';
import type { RadiusProvider } from './types.ts';

/** At most this many entries; past that the oldest goes first. */
export const MAX_CACHED_AUTHENTICATIONS = 10_000;

interface Entry {
  providerPk: number;
  /** The provider's configuration when the entry was made (configurationOf). */
  configuration: string;
  attributes: Attribute[];
  /** The SESSION_END digest of the core session the flow created. */
  sid: string;
  until: number;
}

// Digests by provider object: each refresh makes new objects, so a digest is computed once per refresh.
const digests = new WeakMap<RadiusProvider, string>();

/**
 * A digest of everything of a provider's configuration the outpost sees: a change in any of it (flow,
 * application, secret, networks, MFA, certificate, the cache's lifetime) drops the provider's entries.
 */
export function configurationOf(provider: RadiusProvider): string {
  const known = digests.get(provider);
  if (known) return known;
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        provider.pk,
        provider.name,
        provider.appSlug,
        provider.flowSlug,
        provider.secret.toString('hex'),
        provider.mfaSupport,
        provider.networks.map((n) => n.text),
        provider.certificate,
        provider.authCacheSeconds,
      ]),
    )
    .digest('hex');
  digests.set(provider, digest);
  return digest;
}

/** The cache of successful PAP outcomes. */
export class AuthCache {
  private readonly entries = new Map<string, Entry>();
  // A KeyObject: createHmac is much faster with one than with a Buffer (signing.ts).
  private readonly hmacKey = createSecretKey(randomBytes(32));
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The key of a request: keyed hash of the provider, the NAS, the user name and the whole User-Password. */
  key(provider: RadiusProvider, nas: string, username: string, password: string): string {
    return createHmac('sha256', this.hmacKey)
      .update(JSON.stringify([provider.pk, nas, username, password]))
      .digest('base64url');
  }

  /** The Accept attributes of a live entry under `key` made with `provider`'s current configuration. */
  get(key: string, provider: RadiusProvider): Attribute[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now() || entry.configuration !== configurationOf(provider)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.attributes;
  }

  /**
   * Keeps a successful outcome for the provider's `authCacheSeconds`, or until `sessionExpires` if sooner.
   * Nothing is kept when the provider has the cache off.
   */
  set(
    key: string,
    provider: RadiusProvider,
    outcome: { attributes: Attribute[]; sid: string; sessionExpires: number | undefined },
  ): void {
    if (provider.authCacheSeconds <= 0) return;
    const until = Math.min(
      this.now() + provider.authCacheSeconds * 1000,
      outcome.sessionExpires ?? Number.POSITIVE_INFINITY,
    );
    if (until <= this.now()) return;
    if (this.entries.size >= MAX_CACHED_AUTHENTICATIONS && !this.entries.has(key)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    // Re-inserted at the end, so the map stays in the order entries were made (the oldest first).
    this.entries.delete(key);
    this.entries.set(key, {
      providerPk: provider.pk,
      configuration: configurationOf(provider),
      attributes: outcome.attributes.map((a) => ({ ...a, value: Buffer.from(a.value) })),
      sid: outcome.sid,
      until,
    });
  }

  /** SESSION_END: drops the entries of session `sid`; answers how many. */
  dropSession(sid: string): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.sid === sid) {
        this.entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** After a refresh: keeps only entries of providers still served with the configuration they were made with. */
  retainProviders(providers: readonly RadiusProvider[]): number {
    const current = new Map(providers.map((p) => [p.pk, configurationOf(p)]));
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (current.get(entry.providerPk) !== entry.configuration) {
        this.entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.entries.size;
  }
}
