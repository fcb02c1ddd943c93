/**
 * An LDAP provider as this outpost serves it: the core's LDAPOutpostConfig (spec §1.2; every field is
 * required, as the reference outpost dereferences them all), the base DN normalized, and the three
 * containers' DNs.
 */
import type { Static } from '@sinclair/typebox';
import type { LDAPOutpostConfig } from '@palisade/schema/api/outposts';
import { normalizeDn, parseDn } from './dn.ts';

/** One provider, ready to serve. */
export interface LdapProvider {
  pk: number;
  name: string;
  /** The base DN, lower-cased as the reference shows it. */
  baseDn: string;
  /** Its normalized form (dn.ts), for comparisons. */
  baseKey: string;
  usersDn: string;
  groupsDn: string;
  virtualGroupsDn: string;
  bindFlowSlug: string;
  unbindFlowSlug: string | null;
  applicationSlug: string;
  certificate: string | null;
  tlsServerName: string;
  uidStartNumber: number;
  gidStartNumber: number;
  searchMode: 'direct' | 'cached';
  bindMode: 'direct' | 'cached';
  mfaSupport: boolean;
}

/** A provider configuration that cannot be served (a base DN that does not parse, a duplicate base). */
export class LdapConfigError extends Error {
  override name = 'LdapConfigError';
}

/** Applies defaults and checks one provider. */
export function toProvider(config: Static<typeof LDAPOutpostConfig>): LdapProvider {
  const baseDn = config.base_dn.toLowerCase();
  const baseKey = normalizeDn(baseDn);
  if (baseKey === undefined || (parseDn(baseDn) ?? []).length === 0) {
    throw new LdapConfigError(
      `provider ${config.name}: base DN ${JSON.stringify(config.base_dn)} is not a DN`,
    );
  }
  return {
    pk: config.pk,
    name: config.name,
    baseDn,
    baseKey,
    usersDn: `ou=users,${baseDn}`,
    groupsDn: `ou=groups,${baseDn}`,
    virtualGroupsDn: `ou=virtual-groups,${baseDn}`,
    bindFlowSlug: config.bind_flow_slug,
    unbindFlowSlug: config.unbind_flow_slug,
    applicationSlug: config.application_slug,
    certificate: config.certificate,
    tlsServerName: config.tls_server_name,
    uidStartNumber: config.uid_start_number,
    gidStartNumber: config.gid_start_number,
    searchMode: config.search_mode,
    bindMode: config.bind_mode,
    mfaSupport: config.mfa_support,
  };
}

/** Every provider, refusing two that share a base DN (spec §1.3: each must be unique). */
export function toProviders(configs: readonly Static<typeof LDAPOutpostConfig>[]): LdapProvider[] {
  const providers = configs.map(toProvider);
  const seen = new Set<string>();
  for (const p of providers) {
    if (seen.has(p.baseKey)) throw new LdapConfigError(`two providers share the base DN ${p.baseDn}`);
    seen.add(p.baseKey);
  }
  return providers;
}

/** The provider whose base DN is `dn` or an ancestor of it (the longest, should bases nest). */
export function providerFor(providers: readonly LdapProvider[], dnKey: string): LdapProvider | undefined {
  let best: LdapProvider | undefined;
  for (const p of providers) {
    if (
      (dnKey === p.baseKey || dnKey.endsWith(`,${p.baseKey}`)) &&
      (!best || p.baseKey.length > best.baseKey.length)
    ) {
      best = p;
    }
  }
  return best;
}
