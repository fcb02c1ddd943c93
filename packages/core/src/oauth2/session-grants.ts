import type { Queryable } from '../db/database.ts';

/** Records that a grant was made while the browser was signed in with this core session. */
export async function linkGrantToSession(db: Queryable, sessionUuid: string, grantId: string): Promise<void> {
  await db.query(
    'INSERT INTO session_grants (session_uuid, grant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [sessionUuid, grantId],
  );
}

/**
 * Revokes everything the authorization server issued under a core session: the grants and every code and
 * token that belongs to them. Returns how many grants ended.
 */
export async function revokeSessionGrants(db: Queryable, sessionUuid: string): Promise<number> {
  const grants = await db.query<{ grant_id: string }>(
    'DELETE FROM session_grants WHERE session_uuid = $1 RETURNING grant_id',
    [sessionUuid],
  );
  const ids = grants.map((g) => g.grant_id);
  if (ids.length === 0) return 0;
  await db.query(
    "DELETE FROM oidc_models WHERE grant_id = ANY($1::text[]) OR (model = 'Grant' AND id = ANY($1::text[]))",
    [ids],
  );
  return ids.length;
}
