import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';
import { Provider, ProviderWritable, RedirectURI, Validity } from './providers.ts';

/** The contract's ProxyMode: the outpost proxies (`proxy`) or answers forward-auth requests for one host or a domain. */
export const ProxyMode = Type.Union([
  Type.Literal('proxy'),
  Type.Literal('forward_single'),
  Type.Literal('forward_domain'),
]);

/** Longest skip_path_regex accepted (also capped per line; see skip-path-regex.ts). */
const SKIP_PATH_REGEX_MAX = 20_000;

/** An absolute URL (its http(s) scheme is checked by the core, which names the field when it is not). */
const HostUrl = Type.String({ minLength: 1, maxLength: 2000, format: 'uri' });

const proxyWritable = {
  ...ProviderWritable,
  property_mappings: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 }),
  // Empty in the forward-auth modes, where the reverse proxy in front knows the upstream.
  internal_host: Type.Union([Type.Literal(''), HostUrl]),
  external_host: HostUrl,
  internal_host_ssl_validation: Type.Boolean(),
  certificate: Nullable(Type.String({ format: 'uuid' })),
  skip_path_regex: Type.String({ maxLength: SKIP_PATH_REGEX_MAX }),
  basic_auth_enabled: Type.Boolean(),
  basic_auth_password_attribute: Type.String({ maxLength: 250 }),
  basic_auth_user_attribute: Type.String({ maxLength: 250 }),
  mode: ProxyMode,
  intercept_header_auth: Type.Boolean(),
  cookie_domain: Type.String({ maxLength: 253 }),
  // JWT federation is not offered yet: only empty lists are accepted, so nothing is silently ignored.
  jwt_federation_sources: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 0 }),
  jwt_federation_providers: Type.Array(Type.Integer(), { maxItems: 0 }),
  access_token_validity: Validity,
  refresh_token_validity: Validity,
};

/** The settings that both the admin's ProxyProvider and the outposts' ProxyOutpostConfig show. */
const proxySettings = {
  internal_host: Type.String(),
  external_host: Type.String(),
  internal_host_ssl_validation: Type.Boolean(),
  certificate: Nullable(Type.String({ format: 'uuid' })),
  skip_path_regex: Type.String(),
  basic_auth_enabled: Type.Boolean(),
  basic_auth_password_attribute: Type.String(),
  basic_auth_user_attribute: Type.String(),
  mode: ProxyMode,
  cookie_domain: Type.String(),
  intercept_header_auth: Type.Boolean(),
};

/** The contract's ProxyProvider: a Provider plus what the outpost in front of the application needs. */
export const ProxyProvider = Type.Composite([
  Provider,
  Type.Object({
    client_id: Type.String(),
    ...proxySettings,
    redirect_uris: Type.Array(RedirectURI),
    jwt_federation_sources: Type.Array(Type.String({ format: 'uuid' })),
    jwt_federation_providers: Type.Array(Type.Integer()),
    access_token_validity: Type.String(),
    refresh_token_validity: Type.String(),
    outpost_set: Type.Array(Type.String()),
  }),
]);

/** The contract's ProxyProviderRequest. */
export const ProxyProviderRequest = Type.Object(
  {
    name: proxyWritable.name,
    authorization_flow: proxyWritable.authorization_flow,
    invalidation_flow: proxyWritable.invalidation_flow,
    external_host: proxyWritable.external_host,
    authentication_flow: Type.Optional(proxyWritable.authentication_flow),
    property_mappings: Type.Optional(proxyWritable.property_mappings),
    internal_host: Type.Optional(proxyWritable.internal_host),
    internal_host_ssl_validation: Type.Optional(proxyWritable.internal_host_ssl_validation),
    certificate: Type.Optional(proxyWritable.certificate),
    skip_path_regex: Type.Optional(proxyWritable.skip_path_regex),
    basic_auth_enabled: Type.Optional(proxyWritable.basic_auth_enabled),
    basic_auth_password_attribute: Type.Optional(proxyWritable.basic_auth_password_attribute),
    basic_auth_user_attribute: Type.Optional(proxyWritable.basic_auth_user_attribute),
    mode: Type.Optional(proxyWritable.mode),
    intercept_header_auth: Type.Optional(proxyWritable.intercept_header_auth),
    cookie_domain: Type.Optional(proxyWritable.cookie_domain),
    jwt_federation_sources: Type.Optional(proxyWritable.jwt_federation_sources),
    jwt_federation_providers: Type.Optional(proxyWritable.jwt_federation_providers),
    access_token_validity: Type.Optional(proxyWritable.access_token_validity),
    refresh_token_validity: Type.Optional(proxyWritable.refresh_token_validity),
  },
  { additionalProperties: false },
);

/** The contract's PatchedProxyProviderRequest. */
export const PatchedProxyProviderRequest = Type.Partial(Type.Object(proxyWritable), {
  additionalProperties: false,
});

/** The contract's OpenIDConnectConfiguration: the discovery fields an outpost needs. */
export const OpenIDConnectConfiguration = Type.Object({
  issuer: Type.String(),
  authorization_endpoint: Type.String(),
  token_endpoint: Type.String(),
  userinfo_endpoint: Type.String(),
  end_session_endpoint: Type.String(),
  introspection_endpoint: Type.String(),
  jwks_uri: Type.String(),
  response_types_supported: Type.Array(Type.String()),
  id_token_signing_alg_values_supported: Type.Array(Type.String()),
  subject_types_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
});

/** The contract's ProxyOutpostConfig: one proxy provider as its outposts load it (credentials included). */
export const ProxyOutpostConfig = Type.Object({
  pk: Type.Integer(),
  name: Type.String(),
  ...proxySettings,
  client_id: Type.String(),
  client_secret: Type.String(),
  oidc_configuration: OpenIDConnectConfiguration,
  cookie_secret: Type.String(),
  /** The session lifetime, in seconds. */
  access_token_validity: Nullable(Type.Number()),
  scopes_to_request: Type.Array(Type.String()),
  assigned_application_slug: Type.String(),
  assigned_application_name: Type.String(),
});
