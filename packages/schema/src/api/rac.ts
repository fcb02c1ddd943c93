import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';
import { PartialUser } from './groups.ts';
import { PropertyMappingFields, Provider, ProviderWritable, Validity } from './providers.ts';

/** The contract's ProtocolEnum: what an endpoint speaks (the outpost serves vnc and ssh; rdp needs guacd). */
export const RacProtocol = Type.Union([Type.Literal('rdp'), Type.Literal('vnc'), Type.Literal('ssh')]);

/** The contract's EndpointAuthModeEnum: credentials from the settings, or from a prompt in the flow. */
export const RacAuthMode = Type.Union([Type.Literal('static'), Type.Literal('prompt')]);

/**
 * Connection settings (Guacamole parameter names such as `hostname`, `username`, `password`): a flat object of
 * strings, numbers, booleans or null, as the outpost receives them stringified. The secret keys among them
 * (see RAC_SECRET_SETTINGS) are write-only: never answered, kept sealed.
 */
export const RacSettings = Type.Record(
  Type.String({ minLength: 1, maxLength: 100 }),
  Type.Union([Type.String({ maxLength: 16_384 }), Type.Number(), Type.Boolean(), Type.Null()]),
  { maxProperties: 100 },
);

/** Setting keys that hold credentials: sealed at rest, sent only to the outpost, never in an API answer. */
export const RAC_SECRET_SETTINGS = ['password', 'private-key', 'passphrase'] as const;

const racProviderWritable = {
  name: ProviderWritable.name,
  authentication_flow: ProviderWritable.authentication_flow,
  authorization_flow: ProviderWritable.authorization_flow,
  // Not in the reference's RAC serializer; Palisade's providers all have one (defaults to default-invalidation-flow).
  invalidation_flow: ProviderWritable.invalidation_flow,
  property_mappings: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 }),
  settings: RacSettings,
  auth_mode: RacAuthMode,
  connection_expiry: Validity,
  delete_token_on_disconnect: Type.Boolean(),
};

/** The contract's RACProvider (plus `auth_mode` and `invalidation_flow`, which Palisade keeps on it). */
export const RACProvider = Type.Composite([
  Provider,
  Type.Object({
    settings: RacSettings,
    auth_mode: RacAuthMode,
    outpost_set: Type.Array(Type.String()),
    connection_expiry: Type.String(),
    delete_token_on_disconnect: Type.Boolean(),
  }),
]);

/** The contract's RACProviderRequest. */
export const RACProviderRequest = Type.Object(
  {
    name: racProviderWritable.name,
    authorization_flow: racProviderWritable.authorization_flow,
    authentication_flow: Type.Optional(racProviderWritable.authentication_flow),
    invalidation_flow: Type.Optional(racProviderWritable.invalidation_flow),
    property_mappings: Type.Optional(racProviderWritable.property_mappings),
    settings: Type.Optional(racProviderWritable.settings),
    auth_mode: Type.Optional(racProviderWritable.auth_mode),
    connection_expiry: Type.Optional(racProviderWritable.connection_expiry),
    delete_token_on_disconnect: Type.Optional(racProviderWritable.delete_token_on_disconnect),
  },
  { additionalProperties: false },
);

/** The contract's PatchedRACProviderRequest. */
export const PatchedRACProviderRequest = Type.Partial(Type.Object(racProviderWritable), {
  additionalProperties: false,
});

const endpointWritable = {
  name: Type.String({ minLength: 1, maxLength: 250 }),
  provider: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  protocol: RacProtocol,
  host: Type.String({ minLength: 1, maxLength: 300 }),
  settings: RacSettings,
  property_mappings: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 }),
  auth_mode: RacAuthMode,
  maximum_connections: Type.Integer({ minimum: -1, maximum: 2147483647 }),
};

/** The contract's Endpoint: a host an RAC provider opens, with `launch_url` when its provider has an application. */
export const RACEndpoint = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  name: Type.String(),
  provider: Type.Integer(),
  provider_obj: RACProvider,
  protocol: RacProtocol,
  host: Type.String(),
  settings: RacSettings,
  property_mappings: Type.Array(Type.String({ format: 'uuid' })),
  auth_mode: RacAuthMode,
  launch_url: Nullable(Type.String()),
  maximum_connections: Type.Integer(),
});

/** The contract's EndpointRequest. */
export const RACEndpointRequest = Type.Object(
  {
    name: endpointWritable.name,
    provider: endpointWritable.provider,
    protocol: endpointWritable.protocol,
    host: endpointWritable.host,
    auth_mode: endpointWritable.auth_mode,
    settings: Type.Optional(endpointWritable.settings),
    property_mappings: Type.Optional(endpointWritable.property_mappings),
    maximum_connections: Type.Optional(endpointWritable.maximum_connections),
  },
  { additionalProperties: false },
);

/** The contract's PatchedEndpointRequest. */
export const PatchedRACEndpointRequest = Type.Partial(Type.Object(endpointWritable), {
  additionalProperties: false,
});

const mappingWritable = {
  managed: Nullable(Type.String({ minLength: 1, maxLength: 200 })),
  name: Type.String({ minLength: 1, maxLength: 250 }),
  // Palisade has no expression engine: only the empty expression is accepted (checked by the core).
  expression: Type.String({ maxLength: 10_000 }),
  static_settings: RacSettings,
};

/** The contract's RACPropertyMapping. */
export const RACPropertyMapping = Type.Object({
  ...PropertyMappingFields,
  static_settings: RacSettings,
});

/** The contract's RACPropertyMappingRequest. */
export const RACPropertyMappingRequest = Type.Object(
  {
    name: mappingWritable.name,
    static_settings: mappingWritable.static_settings,
    managed: Type.Optional(mappingWritable.managed),
    expression: Type.Optional(mappingWritable.expression),
  },
  { additionalProperties: false },
);

/** The contract's PatchedRACPropertyMappingRequest. */
export const PatchedRACPropertyMappingRequest = Type.Partial(Type.Object(mappingWritable), {
  additionalProperties: false,
});

/** The contract's ConnectionToken (the token itself is never shown: it is in the launch redirect only). */
export const RACConnectionToken = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  provider: Type.Integer(),
  provider_obj: RACProvider,
  endpoint: Type.String({ format: 'uuid' }),
  endpoint_obj: RACEndpoint,
  user: PartialUser,
  // Palisade adds when it expires.
  expires: Type.String({ format: 'date-time' }),
});

const tokenWritable = {
  pk: Type.String({ format: 'uuid' }),
  provider: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  endpoint: Type.String({ format: 'uuid' }),
};

/** The contract's ConnectionTokenRequest (pk cannot be changed; it is accepted and ignored as the reference's). */
export const RACConnectionTokenRequest = Type.Object(
  {
    provider: tokenWritable.provider,
    endpoint: tokenWritable.endpoint,
    pk: Type.Optional(tokenWritable.pk),
  },
  { additionalProperties: false },
);

/** The contract's PatchedConnectionTokenRequest. */
export const PatchedRACConnectionTokenRequest = Type.Partial(Type.Object(tokenWritable), {
  additionalProperties: false,
});
