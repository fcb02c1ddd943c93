import type { Static } from '@sinclair/typebox';
import type { Device as DeviceBody } from '@palisade/schema';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { findUserById, type User } from '../../identity/users-repository.ts';
import type { Device, DeviceKind } from '../../mfa/devices-repository.ts';
import { findWebAuthnDeviceById } from '../../mfa/webauthn-devices-repository.ts';
import { presentPartialUser } from './presenters.ts';

/** How the contract names each kind of device (model names as the reference's API spells them). */
export const DEVICE_LABELS: Record<DeviceKind, { verbose: string; plural: string; model: string }> = {
  totp: {
    verbose: 'TOTP Device',
    plural: 'TOTP Devices',
    model: 'authentik_stages_authenticator_totp.totpdevice',
  },
  static: {
    verbose: 'Static Device',
    plural: 'Static Devices',
    model: 'authentik_stages_authenticator_static.staticdevice',
  },
  webauthn: {
    verbose: 'WebAuthn Device',
    plural: 'WebAuthn Devices',
    model: 'authentik_stages_authenticator_webauthn.webauthndevice',
  },
};

/** Loads the owners of `devices` once each. */
async function ownersOf(db: Queryable, devices: readonly Device[]): Promise<Map<number, User>> {
  const owners = new Map<number, User>();
  for (const id of new Set(devices.map((d) => d.userId))) {
    const user = await findUserById(db, id);
    if (user) owners.set(id, user);
  }
  return owners;
}

/** Presents devices of one kind in that kind's contract shape (TOTPDevice, StaticDevice, WebAuthnDevice). */
export async function presentKindDevices(ctx: AppContext, db: Queryable, devices: readonly Device[]) {
  const owners = await ownersOf(db, devices);
  const out = [];
  for (const device of devices) {
    const owner = owners.get(device.userId);
    if (!owner) continue;
    const base = { pk: device.id, name: device.name, user: presentPartialUser(ctx, owner) };
    if (device.kind === 'static') out.push({ ...base, token_set: [] });
    else if (device.kind === 'webauthn') {
      const credential = await findWebAuthnDeviceById(db, device.id);
      out.push({
        ...base,
        created_on: device.created.toISOString(),
        device_type: null,
        aaguid: credential?.aaguid ?? '',
      });
    } else out.push(base);
  }
  return out;
}

/** Presents devices of any kind in the contract's Device shape (/authenticators/all/). */
export function presentDevice(device: Device): Static<typeof DeviceBody> {
  const label = DEVICE_LABELS[device.kind];
  return {
    verbose_name: label.verbose,
    verbose_name_plural: label.plural,
    meta_model_name: label.model,
    pk: String(device.id),
    name: device.name,
    type: label.model,
    confirmed: device.confirmed,
    created: device.created.toISOString(),
    last_updated: device.lastUpdated.toISOString(),
    last_used: device.lastUsed?.toISOString() ?? null,
    extra_description: null,
    external_id: null,
  };
}
