import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';
import { Provider, ProviderWritable } from './providers.ts';
import { patchedBody, requestBody } from './request-shapes.ts';

/** The contract's LDAPAPIAccessMode: answer from the core on each request, or from the outpost's memory. */
export const LDAPAPIAccessMode = Type.Union([Type.Literal('direct'), Type.Literal('cached')]);

export { DEFAULT_LDAP_BASE_DN } from '../provider-defaults.ts';

const Int32 = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });

const ldapWritable = {
  ...ProviderWritable,
  // LDAP providers have no property mappings in Palisade: only an empty list is accepted.
  property_mappings: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 0 }),
  base_dn: Type.String({ minLength: 1, maxLength: 1000 }),
  certificate: Nullable(Type.String({ format: 'uuid' })),
  tls_server_name: Type.String({ maxLength: 253 }),
  uid_start_number: Int32,
  gid_start_number: Int32,
  search_mode: LDAPAPIAccessMode,
  bind_mode: LDAPAPIAccessMode,
  mfa_support: Type.Boolean(),
  /**
   * Palisade's "search full directory" right (docs/providers.md): members of this group (directly or
   * through a parent group) see every user and group; everyone else sees only themselves. Null: nobody.
   */
  search_group: Nullable(Type.String({ format: 'uuid' })),
};

/** The LDAP settings both the admin's LDAPProvider and the outposts' LDAPOutpostConfig show. */
export const ldapSettings = {
  base_dn: Type.String(),
  certificate: Nullable(Type.String({ format: 'uuid' })),
  tls_server_name: Type.String(),
  uid_start_number: Type.Integer(),
  gid_start_number: Type.Integer(),
  search_mode: LDAPAPIAccessMode,
  bind_mode: LDAPAPIAccessMode,
  mfa_support: Type.Boolean(),
};

/** The contract's LDAPProvider, plus Palisade's `search_group`. */
export const LDAPProvider = Type.Composite([
  Provider,
  Type.Object({
    ...ldapSettings,
    search_group: Nullable(Type.String({ format: 'uuid' })),
    outpost_set: Type.Array(Type.String()),
  }),
]);

/** The contract's LDAPProviderRequest (plus `search_group`). */
export const LDAPProviderRequest = requestBody(ldapWritable, [
  'name',
  'authorization_flow',
  'invalidation_flow',
]);

/** The contract's PatchedLDAPProviderRequest (plus `search_group`). */
export const PatchedLDAPProviderRequest = patchedBody(ldapWritable);
