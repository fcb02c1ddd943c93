/** Second-factor devices as the console shows them: which kind a device is, and where its API lives. */
import type { Device } from './types.ts';

/** The kinds of device, as the API's paths name them. */
export type DeviceKind = 'totp' | 'static' | 'webauthn';

const KINDS: Array<[DeviceKind, string]> = [
  ['totp', 'Authenticator app (TOTP)'],
  ['static', 'Recovery codes'],
  ['webauthn', 'Passkey or security key'],
];

/** A device's kind, read from its model name (`…authenticator_totp.totpdevice`). */
export function deviceKind(device: Pick<Device, 'meta_model_name'>): DeviceKind | undefined {
  const model = device.meta_model_name.split('.').at(-1) ?? '';
  return KINDS.find(([kind]) => model === `${kind}device`)?.[0];
}

/** What a person calls a kind of device. */
export function deviceKindLabel(kind: DeviceKind | undefined): string {
  return KINDS.find(([k]) => k === kind)?.[1] ?? 'Other';
}

/** Every kind with its label, in the order the pages offer them. */
export const DEVICE_KINDS = KINDS;

/** The setup flow of each kind at first start (an admin may change the flows, not these slugs' meaning). */
export function setupFlowPath(kind: DeviceKind, next: string): string {
  return `/if/flow/default-authenticator-${kind}-setup/?next=${encodeURIComponent(next)}`;
}
