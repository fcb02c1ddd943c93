import type { Static } from '@sinclair/typebox';
import type { Provider } from '@palisade/schema';
import type { ProviderKind, ProviderSummary } from '../../providers/providers-repository.ts';

/** How the admin console names and edits each kind of provider (the reference's model metadata). */
export const PROVIDER_KINDS = {
  oauth2: {
    component: 'ak-provider-oauth2-form',
    verbose_name: 'OAuth2/OpenID Provider',
    verbose_name_plural: 'OAuth2/OpenID Providers',
    meta_model_name: 'authentik_providers_oauth2.oauth2provider',
  },
  proxy: {
    component: 'ak-provider-proxy-form',
    verbose_name: 'Proxy Provider',
    verbose_name_plural: 'Proxy Providers',
    meta_model_name: 'authentik_providers_proxy.proxyprovider',
  },
  rac: {
    component: 'ak-provider-rac-form',
    verbose_name: 'RAC Provider',
    verbose_name_plural: 'RAC Providers',
    meta_model_name: 'authentik_providers_rac.racprovider',
  },
} as const satisfies Record<ProviderKind, Record<string, string>>;

/** The fields every kind of provider shows (the contract's Provider), presented as `kind`. */
export function presentProvider(provider: ProviderSummary, kind: ProviderKind): Static<typeof Provider> {
  return {
    pk: provider.id,
    name: provider.name,
    authentication_flow: provider.authenticationFlow,
    authorization_flow: provider.authorizationFlow,
    invalidation_flow: provider.invalidationFlow,
    property_mappings: provider.propertyMappings,
    component: PROVIDER_KINDS[kind].component,
    assigned_application_slug: provider.applicationSlug,
    assigned_application_name: provider.applicationName,
    assigned_backchannel_application_slug: null,
    assigned_backchannel_application_name: null,
    verbose_name: PROVIDER_KINDS[kind].verbose_name,
    verbose_name_plural: PROVIDER_KINDS[kind].verbose_name_plural,
    meta_model_name: PROVIDER_KINDS[kind].meta_model_name,
  };
}
