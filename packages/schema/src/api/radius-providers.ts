import { Type } from '@sinclair/typebox';
import { RadiusAttributeEntry, RadiusReplyAttribute } from '../radius-attributes.ts';
import { PolicyTestResult } from './applications.ts';
import { Nullable } from './common.ts';
import { Provider, ProviderWritable } from './providers.ts';
import { patchedBody, requestBody } from './request-shapes.ts';

/**
 * The longest an outpost may answer a repeated PAP request from a cached successful authentication
 * (`auth_cache_seconds`, a Palisade extension; 0, the default, is off): short, since a cached Accept does not
 * see a policy or group change until it expires.
 */
export const MAX_RADIUS_AUTH_CACHE_SECONDS = 300;

export { DEFAULT_RADIUS_CLIENT_NETWORKS } from '../provider-defaults.ts';

const radiusWritable = {
  ...ProviderWritable,
  // The uuids of RADIUS property mappings (/propertymappings/provider/radius/), applied in name order.
  property_mappings: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 }),
  client_networks: Type.String({ minLength: 1, maxLength: 4000 }),
  shared_secret: Type.String({ minLength: 1, maxLength: 255 }),
  mfa_support: Type.Boolean(),
  certificate: Nullable(Type.String({ format: 'uuid' })),
  auth_cache_seconds: Type.Integer({ minimum: 0, maximum: MAX_RADIUS_AUTH_CACHE_SECONDS }),
};

/** The contract's RadiusProvider (its shared secret is shown to superusers, as the reference does). */
export const RadiusProvider = Type.Composite([
  Provider,
  Type.Object({
    client_networks: Type.String(),
    shared_secret: Type.String(),
    mfa_support: Type.Boolean(),
    certificate: Nullable(Type.String({ format: 'uuid' })),
    auth_cache_seconds: Type.Integer(),
    outpost_set: Type.Array(Type.String()),
  }),
]);

/** The contract's RadiusProviderRequest. */
export const RadiusProviderRequest = requestBody(radiusWritable, [
  'name',
  'authorization_flow',
  'invalidation_flow',
]);

/** The contract's PatchedRadiusProviderRequest. */
export const PatchedRadiusProviderRequest = patchedBody(radiusWritable);

/**
 * The contract's RadiusProviderPropertyMapping. Palisade's mappings are declarative: `attributes` lists what
 * to add to the Access-Accept, and `expression` (read-only) renders them one per line, since Palisade runs
 * no Python.
 */
export const RadiusProviderPropertyMapping = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  managed: Nullable(Type.String()),
  name: Type.String(),
  expression: Type.String(),
  attributes: Type.Array(RadiusReplyAttribute),
  component: Type.String(),
  verbose_name: Type.String(),
  verbose_name_plural: Type.String(),
  meta_model_name: Type.String(),
});

const mappingWritable = {
  name: Type.String({ minLength: 1, maxLength: 250 }),
  managed: Nullable(Type.String({ minLength: 1, maxLength: 250 })),
  attributes: Type.Array(RadiusAttributeEntry, { minItems: 1, maxItems: 50 }),
  // Accepted only empty or as the rendering the server gave: Palisade runs no expressions.
  expression: Type.String({ maxLength: 20000 }),
};

/** The contract's RadiusProviderPropertyMappingRequest, with `attributes` in place of a Python expression. */
export const RadiusProviderPropertyMappingRequest = requestBody(mappingWritable, ['name', 'attributes']);

/** The contract's PatchedRadiusProviderPropertyMappingRequest. */
export const PatchedRadiusProviderPropertyMappingRequest = patchedBody(mappingWritable);

/**
 * The contract's RadiusCheckAccess, answered only when `access.passing`: `attributes` is the reference's
 * form (base64 of an Access-Accept whose attributes the outpost copies), and `attribute_list` the same
 * attributes resolved (radius-attributes.ts), which Palisade's outpost encodes with encodeReplyAttribute.
 * Both are empty when access does not pass.
 */
export const RadiusCheckAccess = Type.Object({
  access: PolicyTestResult,
  attributes: Type.Optional(Type.String()),
  attribute_list: Type.Array(RadiusReplyAttribute),
});
