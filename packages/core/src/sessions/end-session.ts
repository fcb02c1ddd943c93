import type { AppContext } from '../context.ts';
import { findLiveSession, listUserSessions, revokeSession } from '../identity/sessions-repository.ts';
import { revokeSessionGrants } from '../oauth2/session-grants.ts';

/**
 * Ends a core login session everywhere: the session itself, every token the authorization server issued
 * under it, and a `session.end` event for whoever caches it (the outposts).
 */
export async function endSession(ctx: AppContext, session: { uuid: string; userId: number }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await revokeSession(tx, session.uuid);
    await revokeSessionGrants(tx, session.uuid);
  });
  ctx.events.emit('session.end', { sessionUuid: session.uuid, userId: session.userId });
}

/** Ends the session a cookie belongs to; false when it was not a live session. */
export async function endSessionByCookie(ctx: AppContext, cookie: string): Promise<boolean> {
  const session = await findLiveSession(ctx.db, cookie);
  if (!session) return false;
  await endSession(ctx, session);
  return true;
}

/** Ends every live session of a user (deactivation, password reset by an admin). */
export async function endUserSessions(ctx: AppContext, userId: number): Promise<number> {
  const sessions = await listUserSessions(ctx.db, userId);
  for (const session of sessions) await endSession(ctx, session);
  return sessions.length;
}
