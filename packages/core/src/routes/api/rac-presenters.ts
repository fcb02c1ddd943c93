import type { Static } from '@sinclair/typebox';
import type {
  RACConnectionToken as TokenBody,
  RACEndpoint as EndpointBody,
  RACPropertyMapping as MappingBody,
  RACProvider as ProviderBody,
} from '@palisade/schema';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { findUserById } from '../../identity/users-repository.ts';
import type { RacEndpoint } from '../../rac/endpoints-repository.ts';
import type { RacPropertyMapping } from '../../rac/property-mappings-repository.ts';
import { findRacProviders, type RacProvider } from '../../rac/providers-repository.ts';
import type { RacConnectionToken } from '../../rac/tokens-repository.ts';
import { presentProvider } from './provider-kinds.ts';
import { presentPartialUser } from './presenters.ts';

/** An RAC provider in the contract's RACProvider shape: settings without their credentials (write-only). */
export function presentRacProvider(provider: RacProvider): Static<typeof ProviderBody> {
  return {
    ...presentProvider(provider, 'rac'),
    settings: provider.settings.plain,
    auth_mode: provider.authMode,
    outpost_set: provider.outpostSet,
    connection_expiry: provider.connectionExpiry,
    delete_token_on_disconnect: provider.deleteTokenOnDisconnect,
  };
}

/** Where a user launches an endpoint; null while its provider serves no application. */
export function racLaunchUrl(endpoint: Pick<RacEndpoint, 'uuid' | 'applicationSlug'>): string | null {
  return endpoint.applicationSlug ? `/application/rac/${endpoint.applicationSlug}/${endpoint.uuid}/` : null;
}

/** Endpoints in the contract's Endpoint shape, each with its provider (loaded once per provider). */
export async function presentRacEndpoints(
  db: Queryable,
  endpoints: readonly RacEndpoint[],
): Promise<Array<Static<typeof EndpointBody>>> {
  const providers = await findRacProviders(db, [...new Set(endpoints.map((e) => e.providerId))]);
  return endpoints.flatMap((endpoint) => {
    const provider = providers.get(endpoint.providerId);
    if (!provider) return [];
    return [
      {
        pk: endpoint.uuid,
        name: endpoint.name,
        provider: endpoint.providerId,
        provider_obj: presentRacProvider(provider),
        protocol: endpoint.protocol,
        host: endpoint.host,
        settings: endpoint.settings.plain,
        property_mappings: endpoint.propertyMappings,
        auth_mode: endpoint.authMode,
        launch_url: racLaunchUrl(endpoint),
        maximum_connections: endpoint.maximumConnections,
      },
    ];
  });
}

/** A mapping in the contract's RACPropertyMapping shape: static settings without their credentials. */
export function presentRacPropertyMapping(mapping: RacPropertyMapping): Static<typeof MappingBody> {
  return {
    pk: mapping.uuid,
    managed: mapping.managed,
    name: mapping.name,
    expression: '',
    component: 'ak-property-mapping-provider-rac-form',
    verbose_name: 'RAC Provider Property Mapping',
    verbose_name_plural: 'RAC Provider Property Mappings',
    meta_model_name: 'authentik_providers_rac.racpropertymapping',
    static_settings: mapping.staticSettings.plain,
  };
}

/** Tokens in the contract's ConnectionToken shape (never the token itself, which only its launch saw). */
export async function presentRacConnectionTokens(
  ctx: AppContext,
  db: Queryable,
  tokens: readonly RacConnectionToken[],
  endpoints: ReadonlyMap<string, RacEndpoint>,
): Promise<Array<Static<typeof TokenBody>>> {
  const presented = new Map(
    (await presentRacEndpoints(db, [...endpoints.values()])).map((e) => [e.pk, e] as const),
  );
  const result: Array<Static<typeof TokenBody>> = [];
  for (const token of tokens) {
    const endpoint = presented.get(token.endpointUuid);
    const user = await findUserById(db, token.userId);
    if (!endpoint || !user) continue;
    result.push({
      pk: token.uuid,
      provider: token.providerId,
      provider_obj: endpoint.provider_obj,
      endpoint: token.endpointUuid,
      endpoint_obj: endpoint,
      user: presentPartialUser(ctx, user),
      expires: token.expires.toISOString(),
    });
  }
  return result;
}
