import type { Static } from '@sinclair/typebox';
import type { OpenIDConnectConfiguration, ProxyOutpostConfig } from '@palisade/schema';
import type { AppContext } from '../context.ts';
import type { ListOptions } from '../db/list-query.ts';
import { applicationEndpoints } from '../oauth2/endpoints.ts';
import { parseValidity } from '../oauth2/validity.ts';
import { scopeMappingsByUuid } from '../providers/property-mappings-repository.ts';
import { presentProxySettings } from '../proxy/present-settings.ts';
import { listProxyProviders, type ProxyProvider, revealProxySecrets } from '../proxy/providers-repository.ts';

/**
 * The discovery facts an outpost needs about its application's issuer, in the reference's endpoint layout.
 * A proxy provider's client never has a signing key, so its tokens are HS256-signed with the client secret
 * (the outpost verifies them with that secret when HS256 is listed here, spec §2.3).
 */
export function outpostOidcConfiguration(
  origin: string,
  applicationSlug: string,
): Static<typeof OpenIDConnectConfiguration> {
  const urls = applicationEndpoints(origin, applicationSlug);
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorize,
    token_endpoint: urls.token,
    userinfo_endpoint: urls.userinfo,
    end_session_endpoint: urls.endSession,
    introspection_endpoint: urls.introspect,
    jwks_uri: urls.jwks,
    // The authorization server offers the code flow only (see oauth2/issuer.ts).
    response_types_supported: ['code'],
    id_token_signing_alg_values_supported: ['HS256'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
  };
}

function outpostConfig(
  provider: ProxyProvider & { applicationSlug: string; applicationName: string },
  secrets: { clientSecret: string; cookieSecret: string },
  origin: string,
): Static<typeof ProxyOutpostConfig> {
  return {
    pk: provider.id,
    name: provider.name,
    ...presentProxySettings(provider),
    client_id: provider.clientId,
    client_secret: secrets.clientSecret,
    oidc_configuration: outpostOidcConfiguration(origin, provider.applicationSlug),
    cookie_secret: secrets.cookieSecret,
    access_token_validity: parseValidity(provider.accessTokenValidity),
    scopes_to_request: scopeMappingsByUuid(provider.propertyMappings).map((m) => m.scopeName),
    assigned_application_slug: provider.applicationSlug,
    assigned_application_name: provider.applicationName,
  };
}

/**
 * The proxy providers an outpost serves (`outpost_providers`) that are bound to an application, as the
 * outpost loads them from /outposts/proxy/: credentials and cookie secret in clear, issuer URLs for a core
 * reached at `origin`. `outpostUuid` null gives every outpost's (for an admin looking at all of them).
 */
export async function proxyOutpostConfigs(
  ctx: AppContext,
  outpostUuid: string | null,
  origin: string,
  page: Pick<ListOptions, 'limit' | 'offset' | 'ordering' | 'search'> & { name?: string } = {
    limit: 100,
    offset: 0,
  },
): Promise<{ results: Static<typeof ProxyOutpostConfig>[]; count: number }> {
  const { providers, count } = await listProxyProviders(ctx.db, {
    ...page,
    filter: { applicationIsNull: false, outpostUuid: outpostUuid ?? undefined, name: page.name },
  });
  const secrets = await revealProxySecrets(
    ctx.db,
    ctx.box,
    providers.map((p) => p.id),
  );
  const results = providers.flatMap((provider) => {
    const { applicationSlug, applicationName } = provider;
    const secret = secrets.get(provider.id);
    // Bound to an application by the filter (and a proxy provider by the join); checked so the types say so.
    if (applicationSlug === null || applicationName === null || !secret) return [];
    return [outpostConfig({ ...provider, applicationSlug, applicationName }, secret, origin)];
  });
  return { results, count };
}
