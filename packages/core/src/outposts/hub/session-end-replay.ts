import { OutpostInstruction } from '@palisade/schema';
import type { Queryable } from '../../db/database.ts';
import { parseValidity } from '../../oauth2/validity.ts';
import type { InstanceConnection } from './connection.ts';

/**
 * The outposts' deny lists of ended core sessions live in memory: an instance that connects (a restart, a
 * new replica, a reconnect after missing live SESSION_ENDs) is told again about every session that ended
 * recently enough for a token issued under it to still be valid. That is the longest access_token_validity
 * among the outpost's proxy providers: tokens are issued only while the session lives, so one issued under
 * a session that ended longer ago than that has expired, and so has the cookie holding it.
 */

/** The most a replay sends: as many entries as an outpost's deny list keeps (proxy/session/revocations.ts). */
export const MAX_REPLAYED_SESSIONS = 100_000;
/** Frames sent before waiting for the socket to take them, so a long replay never piles up in memory. */
const FRAMES_PER_WRITE = 256;

/** The longest access_token_validity (seconds) of an outpost's proxy providers; 0 when it serves none. */
async function longestTokenValidity(db: Queryable, outpostUuid: string): Promise<number> {
  const rows = await db.query<{ access_token_validity: string }>(
    `SELECT o.access_token_validity FROM outpost_providers op
       JOIN proxy_providers pp ON pp.provider_id = op.provider_id
       JOIN oauth2_providers o ON o.provider_id = op.provider_id
      WHERE op.outpost_uuid = $1`,
    [outpostUuid],
  );
  let longest = 0;
  for (const row of rows) {
    try {
      longest = Math.max(longest, parseValidity(row.access_token_validity));
    } catch {
      // The API validates every stored value; a row it could not parse issues no tokens either.
    }
  }
  return longest;
}

/**
 * The key digests (the `sid` of their tokens) of the sessions ended within the longest token lifetime of
 * the outpost's proxy providers, newest first, at most MAX_REPLAYED_SESSIONS.
 */
export async function sessionsToReplay(db: Queryable, outpostUuid: string): Promise<string[]> {
  const windowSeconds = await longestTokenValidity(db, outpostUuid);
  if (windowSeconds === 0) return [];
  const rows = await db.query<{ key_digest: string }>(
    `SELECT key_digest FROM sessions
      WHERE revoked_at IS NOT NULL AND revoked_at > now() - make_interval(secs => $1)
      ORDER BY revoked_at DESC LIMIT $2`,
    [windowSeconds, MAX_REPLAYED_SESSIONS],
  );
  return rows.map((row) => row.key_digest);
}

/**
 * Sends SESSION_END for each session in `sessionIds` to one instance, a batch at a time (each batch written
 * to the socket before the next). Answers how many were sent; stops early when the socket goes.
 */
export async function replaySessionEnds(
  connection: InstanceConnection,
  sessionIds: readonly string[],
): Promise<number> {
  let sent = 0;
  for (let start = 0; start < sessionIds.length; start += FRAMES_PER_WRITE) {
    const batch = sessionIds.slice(start, start + FRAMES_PER_WRITE);
    for (const sessionId of batch) {
      if (
        !connection.send(OutpostInstruction.SESSION_END, { type: 'event.session.end', session_id: sessionId })
      )
        return sent;
      sent++;
    }
    if (!(await connection.written())) return sent;
  }
  return sent;
}
