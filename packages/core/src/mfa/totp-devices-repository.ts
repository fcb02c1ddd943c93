import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import { type TotpAlgorithm, type TotpParameters, totpStepOf } from './totp.ts';

/** A TOTP device's id with its parameters, the secret opened (only ever held in memory). */
export interface TotpDeviceSecret extends TotpParameters {
  id: number;
  userId: number;
  confirmed: boolean;
}

interface SecretRow {
  id: number;
  user_id: number;
  confirmed: boolean;
  secret_sealed: string;
  digits: number;
  period: number;
  algorithm: TotpAlgorithm;
}

/** Stores a new TOTP device, its secret sealed with the instance key; unconfirmed until a code is entered. */
export async function insertTotpDevice(
  db: Queryable,
  box: SecretBox,
  device: { userId: number; name: string; parameters: TotpParameters; confirmed?: boolean },
): Promise<number> {
  const { parameters } = device;
  const row = await queryOne<{ id: number }>(
    db,
    `INSERT INTO totp_devices (user_id, name, confirmed, secret_sealed, digits, period, algorithm)
      VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      device.userId,
      device.name,
      device.confirmed ?? false,
      box.seal(parameters.secret),
      parameters.digits,
      parameters.period,
      parameters.algorithm,
    ],
  );
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

/** A user's TOTP devices with their secrets: the confirmed ones, or the one device `onlyId`. */
export async function findTotpSecrets(
  db: Queryable,
  box: SecretBox,
  userId: number,
  onlyId?: number,
): Promise<TotpDeviceSecret[]> {
  const rows = await db.query<SecretRow>(
    `SELECT id, user_id, confirmed, secret_sealed, digits, period, algorithm FROM totp_devices
      WHERE user_id = $1 AND ($2::int IS NULL AND confirmed OR id = $2) ORDER BY id`,
    [userId, onlyId ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    confirmed: row.confirmed,
    secret: box.open(row.secret_sealed),
    digits: row.digits === 8 ? 8 : 6,
    period: row.period,
    algorithm: row.algorithm,
  }));
}

/**
 * Accepts a step of a device once: succeeds only if no code of this step or a later one was accepted
 * before. One conditional UPDATE, so two requests racing with the same code cannot both win.
 */
export async function claimTotpStep(db: Queryable, deviceId: number, step: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE totp_devices SET last_used_step = $2, last_used = now()
      WHERE id = $1 AND (last_used_step IS NULL OR last_used_step < $2) RETURNING id`,
    [deviceId, step],
  );
  return rows.length > 0;
}

/**
 * Verifies a TOTP code of `userId`: it must be the code of a step within the window of one of that user's
 * confirmed devices (or of the device `onlyDeviceId`, confirmed or not: a setup in progress), and that
 * step must not have been used before. Answers the device id that accepted it, or undefined.
 */
export async function verifyTotpCode(
  db: Queryable,
  box: SecretBox,
  input: { userId: number; code: string; onlyDeviceId?: number; nowMs?: number },
): Promise<number | undefined> {
  const code = input.code.trim().replaceAll(' ', '');
  const nowMs = input.nowMs ?? Date.now();
  for (const device of await findTotpSecrets(db, box, input.userId, input.onlyDeviceId)) {
    const step = totpStepOf(device, code, nowMs);
    if (step !== undefined && (await claimTotpStep(db, device.id, step))) return device.id;
  }
  return undefined;
}
