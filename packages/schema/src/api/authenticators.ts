import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from './common.ts';
import { PartialUser } from './groups.ts';

/** The contract's DeviceClassesEnum, narrowed to the classes Palisade has devices of. */
export const DeviceClass = Type.Union([
  Type.Literal('static'),
  Type.Literal('totp'),
  Type.Literal('webauthn'),
]);

/** The contract's TOTPDevice. */
export const TotpDevice = Type.Object({
  name: Type.String(),
  pk: Type.Integer(),
  user: PartialUser,
});

/** The contract's StaticDeviceToken. */
export const StaticDeviceToken = Type.Object({ token: Type.String() });

/**
 * The contract's StaticDevice. `token_set` is always empty: recovery codes are stored as keyed digests and
 * are shown once, when the setup stage makes them, never again.
 */
export const StaticDevice = Type.Object({
  name: Type.String(),
  token_set: Type.Array(StaticDeviceToken),
  pk: Type.Integer(),
  user: PartialUser,
});

/** The contract's WebAuthnDeviceType. */
export const WebAuthnDeviceType = Type.Object({
  aaguid: Type.String({ format: 'uuid' }),
  description: Type.String(),
});

/** The contract's WebAuthnDevice. */
export const WebAuthnDevice = Type.Object({
  pk: Type.Integer(),
  name: Type.String(),
  created_on: DateTime,
  device_type: Nullable(WebAuthnDeviceType),
  aaguid: Type.String(),
  user: PartialUser,
});

/** The contract's Device: one entry of /authenticators/all/, whatever its kind. */
export const Device = Type.Object({
  verbose_name: Type.String(),
  verbose_name_plural: Type.String(),
  meta_model_name: Type.String(),
  pk: Type.String(),
  name: Type.String(),
  type: Type.String(),
  confirmed: Type.Boolean(),
  created: DateTime,
  last_updated: DateTime,
  last_used: Nullable(DateTime),
  extra_description: Nullable(Type.String()),
  external_id: Nullable(Type.String()),
});

/** The device-name limits of each kind (the contract's maxLength). */
export const DEVICE_NAME_MAX = { totp: 64, static: 64, webauthn: 200 } as const;

/** The contract's TOTPDeviceRequest / StaticDeviceRequest / WebAuthnDeviceRequest for a name limit. */
export function DeviceRequest(maxLength: number) {
  return Type.Object({ name: Type.String({ minLength: 1, maxLength }) }, { additionalProperties: false });
}

/** The contract's Patched…DeviceRequest for a name limit. */
export function PatchedDeviceRequest(maxLength: number) {
  return Type.Partial(DeviceRequest(maxLength), { additionalProperties: false });
}
