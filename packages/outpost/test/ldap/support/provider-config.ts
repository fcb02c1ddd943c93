/** An LDAPOutpostConfig as the core sends it (every field), with a test's overrides. */
import type { Static } from '@sinclair/typebox';
import type { LDAPOutpostConfig } from '@palisade/schema/api/outposts';

/** The config of provider 1 on `dc=example,dc=com`, with `overrides`. */
export function ldapConfig(
  overrides: Partial<Static<typeof LDAPOutpostConfig>> = {},
): Static<typeof LDAPOutpostConfig> {
  return {
    pk: 1,
    name: 'directory',
    base_dn: 'dc=example,dc=com',
    bind_flow_slug: 'default-authentication-flow',
    unbind_flow_slug: null,
    application_slug: 'directory',
    certificate: null,
    tls_server_name: '',
    uid_start_number: 2000,
    gid_start_number: 4000,
    search_mode: 'cached',
    bind_mode: 'direct',
    mfa_support: true,
    ...overrides,
  };
}
