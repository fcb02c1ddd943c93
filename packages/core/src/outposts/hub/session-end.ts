import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import { queryOne } from '../../db/database.ts';
import { publishClusterMessage } from './cluster-bus.ts';

/**
 * Turns this process's `session.end` events into cluster `session.end` messages, so every core process sends
 * SESSION_END to its outpost instances. The session id outposts know is the session's key digest (hex
 * SHA-256 of the cookie key; the `sid` of tokens issued under it), read from the row, which a revocation
 * keeps. Answers the unsubscribe function.
 */
export function bridgeSessionEnds(ctx: AppContext, log: FastifyBaseLogger): () => void {
  return ctx.events.on('session.end', ({ sessionUuid }) => {
    void (async () => {
      const row = await queryOne<{ key_digest: string }>(
        ctx.db,
        'SELECT key_digest FROM sessions WHERE uuid = $1',
        [sessionUuid],
      );
      if (!row) return log.warn({ session: sessionUuid }, 'ended session not found; outposts not told');
      await publishClusterMessage(ctx.db, { type: 'session.end', session_id: row.key_digest });
    })().catch((error: unknown) =>
      log.error({ err: error, session: sessionUuid }, 'could not tell outposts that a session ended'),
    );
  });
}
