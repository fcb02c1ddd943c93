import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';

/** The scopes a user has consented to for an application (empty when none). */
export async function consentedScopes(db: Queryable, userId: number, application: string): Promise<string[]> {
  const row = await queryOne<{ scopes: string[] }>(
    db,
    'SELECT scopes FROM user_consents WHERE user_id = $1 AND application = $2',
    [userId, application],
  );
  return row?.scopes ?? [];
}

/** Remembers consent to `scopes`, adding to what was consented before. */
export async function rememberConsent(
  db: Queryable,
  userId: number,
  application: string,
  scopes: readonly string[],
): Promise<void> {
  await db.query(
    `INSERT INTO user_consents AS c (user_id, application, scopes) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, application) DO UPDATE
       SET scopes = ARRAY(SELECT DISTINCT unnest(c.scopes || EXCLUDED.scopes) ORDER BY 1), given_at = now()`,
    [userId, application, [...scopes]],
  );
}

/** Forgets a user's consent to an application; the next authorization asks again. */
export async function revokeConsent(db: Queryable, userId: number, application: string): Promise<boolean> {
  const rows = await db.query(
    'DELETE FROM user_consents WHERE user_id = $1 AND application = $2 RETURNING user_id',
    [userId, application],
  );
  return rows.length === 1;
}
