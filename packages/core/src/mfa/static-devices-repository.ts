import { randomInt } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import type { SecretBox } from '../identity/secret-box.ts';

/** Recovery codes per device and their length, unless the setup stage says otherwise (the reference's). */
export const STATIC_DEFAULTS = { count: 6, length: 12 } as const;

// Lowercase letters and digits without look-alikes (0/o, 1/l/i): codes are read off paper and typed.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Longest code accepted for checking; anything longer cannot be one and is not digested. */
export const STATIC_CODE_MAX_LENGTH = 100;

/** New random recovery codes (uniform over the alphabet, from the CSPRNG). */
export function newStaticCodes(
  count: number = STATIC_DEFAULTS.count,
  length: number = STATIC_DEFAULTS.length,
) {
  return Array.from({ length: count }, () =>
    Array.from({ length }, () => ALPHABET.charAt(randomInt(ALPHABET.length))).join(''),
  );
}

// Case and spacing are not part of a code: a code written down as "ABCD EFGH" still works.
function normalise(code: string): string {
  return code.trim().replaceAll(/[\s-]/g, '').toLowerCase();
}

// The code's keyed digest: a dump without the instance key cannot test guesses against it.
function codeDigest(box: SecretBox, code: string): string {
  return box.digest(`static-code:${normalise(code)}`);
}

/** Stores a recovery-code device with its codes, kept only as keyed digests. Answers its id. */
export async function insertStaticDevice(
  db: Queryable,
  box: SecretBox,
  device: { userId: number; name: string; codes: readonly string[]; confirmed?: boolean },
): Promise<number> {
  const row = await queryOne<{ id: number }>(
    db,
    'INSERT INTO static_devices (user_id, name, confirmed) VALUES ($1, $2, $3) RETURNING id',
    [device.userId, device.name, device.confirmed ?? true],
  );
  if (!row) throw new Error('insert returned no row');
  const digests = [...new Set(device.codes.map((code) => codeDigest(box, code)))];
  await db.query('INSERT INTO static_tokens (device_id, token_digest) SELECT $1, unnest($2::text[])', [
    row.id,
    digests,
  ]);
  return row.id;
}

/** How many unused codes a device has left. */
export async function countStaticCodes(db: Queryable, deviceId: number): Promise<number> {
  const row = await queryOne<{ count: number }>(
    db,
    'SELECT count(*)::int AS count FROM static_tokens WHERE device_id = $1',
    [deviceId],
  );
  return row?.count ?? 0;
}

/**
 * Uses a recovery code of `userId`: deletes it from that user's confirmed devices in one statement (so it
 * works once, even for two racing requests) and answers the device id, or undefined when it is no such code.
 */
export async function useStaticCode(
  db: Queryable,
  box: SecretBox,
  input: { userId: number; code: string },
): Promise<number | undefined> {
  if (input.code.length > STATIC_CODE_MAX_LENGTH || normalise(input.code) === '') return undefined;
  const row = await queryOne<{ device_id: number }>(
    db,
    `DELETE FROM static_tokens t USING static_devices d
      WHERE t.device_id = d.id AND d.user_id = $1 AND d.confirmed AND t.token_digest = $2
      RETURNING t.device_id`,
    [input.userId, codeDigest(box, input.code)],
  );
  if (!row) return undefined;
  await db.query('UPDATE static_devices SET last_used = now() WHERE id = $1', [row.device_id]);
  return row.device_id;
}
