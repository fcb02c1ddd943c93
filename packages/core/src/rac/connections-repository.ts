import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';

/** An outpost instance told to dial a connection's relay socket. */
export interface ChosenInstance {
  outpostUuid: string;
  uid: string;
}

/** A live browser socket's connection, as every replica sees it. */
export interface RacConnection {
  channelId: string;
  tokenUuid: string;
  replicaUrl: string;
  screen: { width: string; height: string; dpi: string };
  instances: ChosenInstance[];
  pairedAt: Date | null;
}

interface Row {
  channel_id: string;
  token_uuid: string;
  replica_url: string;
  screen_width: string;
  screen_height: string;
  screen_dpi: string;
  instances: Array<{ outpost_uuid: string; uid: string }>;
  paired_at: Date | null;
}

const COLUMNS =
  'c.channel_id, c.token_uuid, c.replica_url, c.screen_width, c.screen_height, c.screen_dpi, c.instances, c.paired_at';

function toConnection(row: Row): RacConnection {
  return {
    channelId: row.channel_id,
    tokenUuid: row.token_uuid,
    replicaUrl: row.replica_url,
    screen: { width: row.screen_width, height: row.screen_height, dpi: row.screen_dpi },
    instances: row.instances.map((i) => ({ outpostUuid: i.outpost_uuid, uid: i.uid })),
    pairedAt: row.paired_at,
  };
}

/**
 * Records a new browser socket's connection. A token serves one browser socket at a time: the rows of its
 * earlier sockets are deleted, and their replicas close those sockets on their next check.
 */
export async function insertRacConnection(
  db: Queryable,
  input: Omit<RacConnection, 'pairedAt'>,
): Promise<void> {
  await db.query('DELETE FROM rac_connections WHERE token_uuid = $1', [input.tokenUuid]);
  await db.query(
    `INSERT INTO rac_connections (channel_id, token_uuid, replica_url, screen_width, screen_height, screen_dpi,
       instances) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [
      input.channelId,
      input.tokenUuid,
      input.replicaUrl,
      input.screen.width,
      input.screen.height,
      input.screen.dpi,
      JSON.stringify(input.instances.map((i) => ({ outpost_uuid: i.outpostUuid, uid: i.uid }))),
    ],
  );
}

/** A connection by channel id, or undefined. */
export async function findRacConnection(
  db: Queryable,
  channelId: string,
): Promise<RacConnection | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} FROM rac_connections c WHERE c.channel_id = $1`, [
    channelId,
  ]);
  return row && toConnection(row);
}

/** Why a relay socket cannot pair with a channel (for the log), or the connection it paired. */
export type ClaimResult = { connection: RacConnection } | { refused: string };

/**
 * Pairs the relay socket of `outpostUuid` with a channel, once: the channel must exist, be unpaired, have
 * been offered to that outpost, and its token and session must still be live.
 */
export async function claimRacConnection(
  db: Queryable,
  channelId: string,
  outpostUuid: string,
): Promise<ClaimResult> {
  const row = await queryOne<Row>(
    db,
    `UPDATE rac_connections c SET paired_at = now(), paired_outpost = $2::uuid
     FROM rac_connection_tokens t, sessions s
     WHERE c.channel_id = $1 AND c.paired_at IS NULL
       AND c.instances @> jsonb_build_array(jsonb_build_object('outpost_uuid', $2::text))
       AND t.connection_token_uuid = c.token_uuid AND t.expires > now()
       AND s.uuid = t.session_uuid AND s.revoked_at IS NULL AND s.expires > now()
     RETURNING ${COLUMNS}`,
    [channelId, outpostUuid],
  );
  if (row) return { connection: toConnection(row) };
  const found = await findRacConnection(db, channelId);
  if (!found) return { refused: 'no such channel (the browser left, or it never existed)' };
  if (found.pairedAt) return { refused: 'channel already paired (a used channel)' };
  if (!found.instances.some((i) => i.outpostUuid === outpostUuid))
    return { refused: 'channel was not offered to this outpost' };
  return { refused: 'connection token expired, or its session ended' };
}

/** Forgets a connection (its browser socket closed). */
export async function deleteRacConnection(db: Queryable, channelId: string): Promise<void> {
  await db.query('DELETE FROM rac_connections WHERE channel_id = $1', [channelId]);
}

/** Why a connection must end, as its replica's periodic check finds it. */
export type EndReason = 'replaced or deleted' | 'expired' | 'signed out';

/**
 * Of these channels, the ones whose connection must end now, with why: its row is gone (the token was
 * deleted, or a newer browser socket took the token), the token expired, or the login session ended.
 */
export async function endedRacConnections(
  db: Queryable,
  channelIds: readonly string[],
): Promise<Map<string, EndReason>> {
  const ended = new Map<string, EndReason>();
  if (channelIds.length === 0) return ended;
  const rows = await db.query<{ channel_id: string; token_live: boolean; session_live: boolean }>(
    `SELECT c.channel_id, t.expires > now() AS token_live,
       (s.revoked_at IS NULL AND s.expires > now()) AS session_live
     FROM rac_connections c JOIN rac_connection_tokens t ON t.connection_token_uuid = c.token_uuid
     JOIN sessions s ON s.uuid = t.session_uuid WHERE c.channel_id = ANY($1::text[])`,
    [[...channelIds]],
  );
  const byChannel = new Map(rows.map((r) => [r.channel_id, r]));
  for (const channelId of channelIds) {
    const row = byChannel.get(channelId);
    if (!row) ended.set(channelId, 'replaced or deleted');
    else if (!row.session_live) ended.set(channelId, 'signed out');
    else if (!row.token_live) ended.set(channelId, 'expired');
  }
  return ended;
}
