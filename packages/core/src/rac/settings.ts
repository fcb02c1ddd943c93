import { RAC_SECRET_SETTINGS } from '@palisade/schema';
import type { SecretBox } from '../identity/secret-box.ts';

/** Connection settings: Guacamole parameter names to scalar values (flat, as the API accepts them). */
export type RacSettings = Record<string, string | number | boolean | null>;

const SECRET_KEYS: ReadonlySet<string> = new Set(RAC_SECRET_SETTINGS);

/** Whether a setting key holds a credential (write-only, sealed at rest). */
export function isSecretSetting(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

/** Settings as stored: the plain keys in jsonb, the credentials sealed apart. */
export interface StoredSettings {
  plain: RacSettings;
  secretsSealed: string | null;
}

/** Splits settings into what may be shown and the credentials, sealing the latter (null when none). */
export function sealSettings(box: SecretBox, settings: RacSettings): StoredSettings {
  const plain: RacSettings = {};
  const secrets: RacSettings = {};
  for (const [key, value] of Object.entries(settings)) (isSecretSetting(key) ? secrets : plain)[key] = value;
  return { plain, secretsSealed: Object.keys(secrets).length ? box.seal(JSON.stringify(secrets)) : null };
}

/** Sealed settings (credentials, a token's flow settings) in clear, for the outpost's init message only. */
export function openSecrets(box: SecretBox, sealed: string | null): RacSettings {
  return sealed ? (JSON.parse(box.open(sealed)) as RacSettings) : {};
}

/**
 * The settings an update leaves: the plain keys are replaced by the new object's; credentials are write-only,
 * so one the new object leaves out is kept, and one given as null or "" is removed (a client that never sees
 * a password can still save the settings around it).
 */
export function updatedSettings(box: SecretBox, current: StoredSettings, next: RacSettings): StoredSettings {
  const secrets = openSecrets(box, current.secretsSealed);
  const merged: RacSettings = { ...secrets };
  for (const [key, value] of Object.entries(next)) {
    if (isSecretSetting(key) && (value === null || value === '')) delete merged[key];
    else merged[key] = value;
  }
  return sealSettings(box, merged);
}
