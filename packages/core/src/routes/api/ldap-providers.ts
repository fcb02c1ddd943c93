import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  LDAPProvider as ProviderBody,
  LDAPProviderRequest,
  PatchedLDAPProviderRequest,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { LDAP_TABLE, type LdapProvider } from '../../ldap/ldap-providers.ts';
import { assertValidLdapProvider } from '../../ldap/validate.ts';
import { presentProvider } from './provider-kinds.ts';
import { kindProviderRoutes } from './kind-provider-routes.ts';

type LdapInput = Static<typeof PatchedLDAPProviderRequest>;

/** An LDAP provider in the contract's LDAPProvider shape. */
export function presentLdapProvider(provider: LdapProvider): Static<typeof ProviderBody> {
  return { ...presentProvider(provider, 'ldap'), ...provider.settings, outpost_set: provider.outpostSet };
}

/** /providers/ldap/: the admin API for LDAP providers. */
export function ldapProviderRoutes(ctx: AppContext): FastifyPluginAsync {
  return kindProviderRoutes(ctx, {
    kind: 'ldap',
    table: LDAP_TABLE,
    schemas: { body: ProviderBody, create: LDAPProviderRequest, patch: PatchedLDAPProviderRequest },
    iexactFilters: {
      authorization_flow__slug: Type.String(),
      base_dn: Type.String(),
      certificate__kp_uuid: Type.String({ format: 'uuid' }),
      certificate__name: Type.String(),
      gid_start_number: Type.Integer(),
      name: Type.String(),
      tls_server_name: Type.String(),
      uid_start_number: Type.Integer(),
    },
    present: presentLdapProvider,
    async columns(tx, body: LdapInput, current) {
      const { baseDn } = await assertValidLdapProvider(tx, body, current);
      return { ...kindSettings(body), base_dn: baseDn };
    },
  });
}

/** The LDAP settings a body sets (the fields beyond the common ones). */
function kindSettings(body: LdapInput) {
  return {
    base_dn: body.base_dn,
    certificate: body.certificate,
    tls_server_name: body.tls_server_name,
    uid_start_number: body.uid_start_number,
    gid_start_number: body.gid_start_number,
    search_mode: body.search_mode,
    bind_mode: body.bind_mode,
    mfa_support: body.mfa_support,
    search_group: body.search_group,
  };
}
