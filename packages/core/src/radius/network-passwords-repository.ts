/**
 * Network passwords (migration 0029): one per user, sealed with the instance key. Only `openNetworkPassword`
 * opens one, for the MSCHAPv2 check; everything else sees when it was made and last used.
 */
import { type Queryable, queryOne } from '../db/database.ts';
import type { SecretBox } from '../identity/secret-box.ts';

/** What may be shown of a user's network password. */
export interface NetworkPasswordInfo {
  created: Date;
  lastUsed: Date | null;
}

/** Stores `password` as the user's network password, replacing any earlier one. */
export async function setNetworkPassword(
  db: Queryable,
  box: SecretBox,
  userId: number,
  password: string,
): Promise<NetworkPasswordInfo> {
  const row = await queryOne<{ created: Date; last_used: Date | null }>(
    db,
    `INSERT INTO network_passwords (user_id, secret_sealed) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, created = now(), last_used = NULL
     RETURNING created, last_used`,
    [userId, box.seal(password)],
  );
  if (!row) throw new Error('network password upsert returned no row');
  return { created: row.created, lastUsed: row.last_used };
}

/** When the user's network password was made and last used, if they have one. */
export async function findNetworkPassword(
  db: Queryable,
  userId: number,
): Promise<NetworkPasswordInfo | undefined> {
  const row = await queryOne<{ created: Date; last_used: Date | null }>(
    db,
    'SELECT created, last_used FROM network_passwords WHERE user_id = $1',
    [userId],
  );
  return row ? { created: row.created, lastUsed: row.last_used } : undefined;
}

/** The user's network password in clear, for the MSCHAPv2 check only. */
export async function openNetworkPassword(
  db: Queryable,
  box: SecretBox,
  userId: number,
): Promise<string | undefined> {
  const row = await queryOne<{ secret_sealed: string }>(
    db,
    'SELECT secret_sealed FROM network_passwords WHERE user_id = $1',
    [userId],
  );
  return row ? box.open(row.secret_sealed) : undefined;
}

/** Records a successful use. */
export async function touchNetworkPassword(db: Queryable, userId: number): Promise<void> {
  await db.query('UPDATE network_passwords SET last_used = now() WHERE user_id = $1', [userId]);
}

/** Revokes the user's network password; whether there was one. */
export async function deleteNetworkPassword(db: Queryable, userId: number): Promise<boolean> {
  const rows = await db.query('DELETE FROM network_passwords WHERE user_id = $1 RETURNING user_id', [userId]);
  return rows.length > 0;
}
