import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';

/** The contract's RedirectURI (and RedirectURIRequest). */
export const RedirectURI = Type.Object(
  {
    matching_mode: Type.Union([Type.Literal('strict'), Type.Literal('regex')]),
    url: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

const ClientType = Type.Union([Type.Literal('confidential'), Type.Literal('public')]);
const SubMode = Type.Union(
  ['hashed_user_id', 'user_id', 'user_uuid', 'user_username', 'user_email', 'user_upn'].map((m) =>
    Type.Literal(m),
  ),
);
const IssuerMode = Type.Union([Type.Literal('global'), Type.Literal('per_provider')]);
const LogoutMethod = Type.Union([Type.Literal('backchannel'), Type.Literal('frontchannel')]);
/** `hours=1;minutes=2;seconds=3` */
export const Validity = Type.String({ minLength: 1, maxLength: 100 });

/** The contract's Provider (any kind, as /providers/all/ lists them). */
export const Provider = Type.Object({
  pk: Type.Integer(),
  name: Type.String(),
  authentication_flow: Nullable(Type.String({ format: 'uuid' })),
  authorization_flow: Type.String({ format: 'uuid' }),
  invalidation_flow: Type.String({ format: 'uuid' }),
  property_mappings: Type.Array(Type.String({ format: 'uuid' })),
  component: Type.String(),
  assigned_application_slug: Nullable(Type.String()),
  assigned_application_name: Nullable(Type.String()),
  assigned_backchannel_application_slug: Nullable(Type.String()),
  assigned_backchannel_application_name: Nullable(Type.String()),
  verbose_name: Type.String(),
  verbose_name_plural: Type.String(),
  meta_model_name: Type.String(),
});

/** The contract's OAuth2Provider: a Provider plus the OAuth2 client's settings. */
export const OAuth2Provider = Type.Composite([
  Provider,
  Type.Object({
    client_type: ClientType,
    client_id: Type.String(),
    client_secret: Type.String(),
    access_code_validity: Type.String(),
    access_token_validity: Type.String(),
    refresh_token_validity: Type.String(),
    refresh_token_threshold: Type.String(),
    include_claims_in_id_token: Type.Boolean(),
    signing_key: Nullable(Type.String({ format: 'uuid' })),
    encryption_key: Nullable(Type.String({ format: 'uuid' })),
    redirect_uris: Type.Array(RedirectURI),
    logout_uri: Type.String(),
    logout_method: LogoutMethod,
    sub_mode: SubMode,
    issuer_mode: IssuerMode,
    jwt_federation_sources: Type.Array(Type.String({ format: 'uuid' })),
    jwt_federation_providers: Type.Array(Type.Integer()),
  }),
]);

/** The writable fields every kind of provider has. */
export const ProviderWritable = {
  name: Type.String({ minLength: 1, maxLength: 250 }),
  authentication_flow: Nullable(Type.String({ format: 'uuid' })),
  authorization_flow: Type.String({ format: 'uuid' }),
  invalidation_flow: Type.String({ format: 'uuid' }),
};

const providerWritable = {
  ...ProviderWritable,
  property_mappings: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 0 }),
  client_type: ClientType,
  client_id: Type.String({ minLength: 1, maxLength: 255 }),
  client_secret: Type.String({ maxLength: 255 }),
  access_code_validity: Validity,
  access_token_validity: Validity,
  refresh_token_validity: Validity,
  refresh_token_threshold: Validity,
  include_claims_in_id_token: Type.Boolean(),
  signing_key: Nullable(Type.String({ format: 'uuid' })),
  encryption_key: Type.Null(),
  redirect_uris: Type.Array(RedirectURI, { maxItems: 100 }),
  logout_uri: Type.Union([Type.Literal(''), Type.String({ format: 'uri', maxLength: 2000 })]),
  logout_method: LogoutMethod,
  sub_mode: SubMode,
  issuer_mode: IssuerMode,
  jwt_federation_sources: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 0 }),
  jwt_federation_providers: Type.Array(Type.Integer(), { maxItems: 0 }),
};

/** The contract's OAuth2ProviderRequest. */
export const OAuth2ProviderRequest = Type.Object(
  {
    name: providerWritable.name,
    authorization_flow: providerWritable.authorization_flow,
    invalidation_flow: providerWritable.invalidation_flow,
    redirect_uris: providerWritable.redirect_uris,
    authentication_flow: Type.Optional(providerWritable.authentication_flow),
    property_mappings: Type.Optional(providerWritable.property_mappings),
    client_type: Type.Optional(providerWritable.client_type),
    client_id: Type.Optional(providerWritable.client_id),
    client_secret: Type.Optional(providerWritable.client_secret),
    access_code_validity: Type.Optional(providerWritable.access_code_validity),
    access_token_validity: Type.Optional(providerWritable.access_token_validity),
    refresh_token_validity: Type.Optional(providerWritable.refresh_token_validity),
    refresh_token_threshold: Type.Optional(providerWritable.refresh_token_threshold),
    include_claims_in_id_token: Type.Optional(providerWritable.include_claims_in_id_token),
    signing_key: Type.Optional(providerWritable.signing_key),
    encryption_key: Type.Optional(providerWritable.encryption_key),
    logout_uri: Type.Optional(providerWritable.logout_uri),
    logout_method: Type.Optional(providerWritable.logout_method),
    sub_mode: Type.Optional(providerWritable.sub_mode),
    issuer_mode: Type.Optional(providerWritable.issuer_mode),
    jwt_federation_sources: Type.Optional(providerWritable.jwt_federation_sources),
    jwt_federation_providers: Type.Optional(providerWritable.jwt_federation_providers),
  },
  { additionalProperties: false },
);

/** The contract's PatchedOAuth2ProviderRequest. */
export const PatchedOAuth2ProviderRequest = Type.Partial(Type.Object(providerWritable), {
  additionalProperties: false,
});

/** The contract's OAuth2ProviderSetupURLs. */
export const OAuth2ProviderSetupURLs = Type.Object({
  issuer: Type.String(),
  authorize: Type.String(),
  token: Type.String(),
  user_info: Type.String(),
  provider_info: Type.String(),
  logout: Type.String(),
  jwks: Type.String(),
});

/** The fields every kind of property mapping shows (the contract's PropertyMapping). */
export const PropertyMappingFields = {
  pk: Type.String({ format: 'uuid' }),
  managed: Nullable(Type.String()),
  name: Type.String(),
  expression: Type.String(),
  component: Type.String(),
  verbose_name: Type.String(),
  verbose_name_plural: Type.String(),
  meta_model_name: Type.String(),
};

/** The contract's ScopeMapping. */
export const ScopeMapping = Type.Object({
  ...PropertyMappingFields,
  scope_name: Type.String(),
  description: Type.String(),
});
