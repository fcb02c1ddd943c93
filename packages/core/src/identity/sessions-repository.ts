import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { randomSecret, sha256Hex } from './secret-box.ts';

/** A server-side login session. The cookie carries a random key; only its SHA-256 is stored. */
export interface Session {
  uuid: string;
  userId: number;
  created: Date;
  lastSeen: Date;
  expires: Date;
  clientAddress: string;
  userAgent: string;
}

interface SessionRow {
  uuid: string;
  user_id: number;
  created: Date;
  last_seen: Date;
  expires: Date;
  client_address: string;
  user_agent: string;
}

const SESSION_COLUMNS =
  's.uuid, s.user_id, s.created, s.last_seen, s.expires, s.client_address, s.user_agent';

function toSession(row: SessionRow): Session {
  return {
    uuid: row.uuid,
    userId: row.user_id,
    created: new Date(row.created),
    lastSeen: new Date(row.last_seen),
    expires: new Date(row.expires),
    clientAddress: row.client_address,
    userAgent: row.user_agent,
  };
}

/** Starts a session and returns it with the cookie value, which exists only in the caller's hands. */
export async function createSession(
  db: Queryable,
  input: { userId: number; maxAgeSeconds: number; clientAddress: string; userAgent: string },
): Promise<{ session: Session; cookieValue: string }> {
  const cookieValue = randomSecret(32);
  const row = await queryOne<SessionRow>(
    db,
    `INSERT INTO sessions AS s (key_digest, user_id, expires, client_address, user_agent)
     VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5) RETURNING ${SESSION_COLUMNS}`,
    [
      sha256Hex(cookieValue),
      input.userId,
      input.maxAgeSeconds,
      input.clientAddress,
      input.userAgent.slice(0, 512),
    ],
  );
  if (!row) throw new Error('insert returned no row');
  return { session: toSession(row), cookieValue };
}

/** Finds the live (not revoked, not expired) session a cookie value names, and marks it seen. */
export async function findLiveSession(db: Queryable, cookieValue: string): Promise<Session | undefined> {
  const row = await queryOne<SessionRow>(
    db,
    `UPDATE sessions AS s SET last_seen = now()
     WHERE s.key_digest = $1 AND s.revoked_at IS NULL AND s.expires > now() RETURNING ${SESSION_COLUMNS}`,
    [sha256Hex(cookieValue)],
  );
  return row && toSession(row);
}

/** Lists a user's live sessions, newest first. */
export async function listUserSessions(db: Queryable, userId: number): Promise<Session[]> {
  const rows = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM sessions s
     WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires > now() ORDER BY s.created DESC`,
    [userId],
  );
  return rows.map(toSession);
}

/** Revokes the session a cookie value names (sign-out). */
export async function revokeSessionByCookie(db: Queryable, cookieValue: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE sessions SET revoked_at = now() WHERE key_digest = $1 AND revoked_at IS NULL RETURNING uuid',
    [sha256Hex(cookieValue)],
  );
  return rows.length === 1;
}

/** Revokes one session by uuid. */
export async function revokeSession(db: Queryable, uuid: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE sessions SET revoked_at = now() WHERE uuid = $1 AND revoked_at IS NULL RETURNING uuid',
    [uuid],
  );
  return rows.length === 1;
}

/** Revokes every session of a user (password change, deactivation). Returns how many. */
export async function revokeUserSessions(db: Queryable, userId: number): Promise<number> {
  const rows = await db.query(
    'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING uuid',
    [userId],
  );
  return rows.length;
}
