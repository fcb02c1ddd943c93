import type { Static } from '@sinclair/typebox';
import type { Provider } from '@palisade/schema';
import { PROVIDER_KINDS, type ProviderKind } from '../../outposts/provider-types.ts';
import type { ProviderSummary } from '../../providers/providers-repository.ts';

/** The fields every kind of provider shows (the contract's Provider), presented as `kind`. */
export function presentProvider(provider: ProviderSummary, kind: ProviderKind): Static<typeof Provider> {
  const names = PROVIDER_KINDS[kind];
  return {
    pk: provider.id,
    name: provider.name,
    authentication_flow: provider.authenticationFlow,
    authorization_flow: provider.authorizationFlow,
    invalidation_flow: provider.invalidationFlow,
    property_mappings: provider.propertyMappings,
    component: names.component,
    assigned_application_slug: provider.applicationSlug,
    assigned_application_name: provider.applicationName,
    assigned_backchannel_application_slug: null,
    assigned_backchannel_application_name: null,
    verbose_name: names.verboseName,
    verbose_name_plural: `${names.verboseName}s`,
    meta_model_name: names.metaModelName,
  };
}
