import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import { openSecrets, type RacSettings } from './settings.ts';

/** A launch's right to one connection to one endpoint, bound to the login session that launched it. */
export interface RacConnectionToken {
  uuid: string;
  providerId: number;
  endpointUuid: string;
  sessionUuid: string;
  userId: number;
  expires: Date;
}

interface Row {
  connection_token_uuid: string;
  provider_id: number;
  endpoint_uuid: string;
  session_uuid: string;
  user_id: number;
  expires: Date;
}

const COLUMNS = `t.connection_token_uuid, t.provider_id, t.endpoint_uuid, t.session_uuid, s.user_id, t.expires`;
const FROM = 'FROM rac_connection_tokens t JOIN sessions s ON s.uuid = t.session_uuid';
const LIST_SHAPE: ListShape = {
  orderable: { pk: 't.connection_token_uuid', expires: 't.expires', created: 't.created' },
  searchable: ['(SELECT e.name FROM rac_endpoints e WHERE e.pbm_uuid = t.endpoint_uuid)'],
  defaultOrder: 't.created DESC, t.connection_token_uuid ASC',
};

function toToken(row: Row): RacConnectionToken {
  return {
    uuid: row.connection_token_uuid,
    providerId: row.provider_id,
    endpointUuid: row.endpoint_uuid,
    sessionUuid: row.session_uuid,
    userId: row.user_id,
    expires: new Date(row.expires),
  };
}

/** Creates a token for a launch; answers the record and the token itself (shown once, in the redirect). */
export async function insertRacConnectionToken(
  db: Queryable,
  box: SecretBox,
  fields: {
    providerId: number;
    endpointUuid: string;
    sessionUuid: string;
    settings: RacSettings;
    expires: Date;
  },
): Promise<{ token: string; record: RacConnectionToken }> {
  // Expired tokens serve nothing any more: each launch forgets them (their connection rows cascade).
  await db.query('DELETE FROM rac_connection_tokens WHERE expires <= now()');
  const token = randomBytes(32).toString('base64url');
  const settings = Object.keys(fields.settings).length ? box.seal(JSON.stringify(fields.settings)) : null;
  const row = await queryOne<{ connection_token_uuid: string }>(
    db,
    `INSERT INTO rac_connection_tokens (provider_id, endpoint_uuid, token_digest, settings_sealed, session_uuid,
       expires)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING connection_token_uuid`,
    [fields.providerId, fields.endpointUuid, box.digest(token), settings, fields.sessionUuid, fields.expires],
  );
  if (!row) throw new Error('insert returned no row');
  return {
    token,
    record: (await findRacConnectionToken(db, row.connection_token_uuid)) as RacConnectionToken,
  };
}

/** A token by uuid, or undefined (an expired one too, until the next launch forgets it). */
export async function findRacConnectionToken(
  db: Queryable,
  uuid: string,
): Promise<RacConnectionToken | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE t.connection_token_uuid = $1`, [uuid]);
  return row && toToken(row);
}

/**
 * The live token that `token` names for the login session `sessionUuid`: not expired, its session not ended;
 * undefined otherwise (another session's token is no one's). Answers its flow settings in clear too.
 */
export async function findLiveRacConnectionToken(
  db: Queryable,
  box: SecretBox,
  token: string,
  sessionUuid: string,
): Promise<(RacConnectionToken & { settings: RacSettings }) | undefined> {
  const row = await queryOne<Row & { settings_sealed: string | null }>(
    db,
    `SELECT ${COLUMNS}, t.settings_sealed ${FROM}
     WHERE t.token_digest = $1 AND t.session_uuid = $2 AND t.expires > now()
       AND s.revoked_at IS NULL AND s.expires > now()`,
    [box.digest(token), sessionUuid],
  );
  if (!row) return undefined;
  return { ...toToken(row), settings: openSecrets(box, row.settings_sealed) };
}

/** Whether a token (by uuid) is still live: it exists, has not expired and its session has not ended. */
export async function isRacConnectionTokenLive(db: Queryable, uuid: string): Promise<boolean> {
  const row = await queryOne(
    db,
    `SELECT 1 ${FROM} WHERE t.connection_token_uuid = $1 AND t.expires > now()
       AND s.revoked_at IS NULL AND s.expires > now()`,
    [uuid],
  );
  return row !== undefined;
}

/**
 * The live tokens of an endpoint, and how many of them this login session holds (the connection limit's
 * input: a token counts from its launch until it expires or is deleted, connected or not, as the reference's).
 */
export async function countLiveRacConnections(
  db: Queryable,
  endpointUuid: string,
  sessionUuid: string,
): Promise<{ total: number; ofSession: number }> {
  const row = await queryOne<{ total: number; of_session: number }>(
    db,
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE t.session_uuid = $2)::int AS of_session ${FROM}
     WHERE t.endpoint_uuid = $1 AND t.expires > now() AND s.revoked_at IS NULL AND s.expires > now()`,
    [endpointUuid, sessionUuid],
  );
  return { total: row?.total ?? 0, ofSession: row?.of_session ?? 0 };
}

/** The filters of /rac/connection_tokens/. */
export interface RacConnectionTokenFilters {
  endpointUuid?: string;
  providerId?: number;
  userId?: number;
}

/** One page of tokens. */
export async function listRacConnectionTokens(
  db: Queryable,
  options: ListOptions & { filter?: RacConnectionTokenFilters },
): Promise<{ tokens: RacConnectionToken[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: 't.endpoint_uuid = $?::uuid', value: f.endpointUuid },
    { sql: 't.provider_id = $?::integer', value: f.providerId },
    { sql: 's.user_id = $?::integer', value: f.userId },
  ];
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: FROM },
  );
  return { tokens: rows.map(toToken), count };
}

/** Moves a token to another provider or endpoint; undefined when it does not exist. */
export async function updateRacConnectionToken(
  db: Queryable,
  uuid: string,
  fields: { providerId?: number; endpointUuid?: string },
): Promise<RacConnectionToken | undefined> {
  await db.query(
    `UPDATE rac_connection_tokens SET provider_id = coalesce($2, provider_id),
       endpoint_uuid = coalesce($3, endpoint_uuid) WHERE connection_token_uuid = $1`,
    [uuid, fields.providerId ?? null, fields.endpointUuid ?? null],
  );
  return findRacConnectionToken(db, uuid);
}

/** Deletes a token; false when it does not exist. */
export async function deleteRacConnectionToken(db: Queryable, uuid: string): Promise<boolean> {
  const deleted = await db.query(
    'DELETE FROM rac_connection_tokens WHERE connection_token_uuid = $1 RETURNING connection_token_uuid',
    [uuid],
  );
  return deleted.length === 1;
}

/** The settings a token's flow gathered, in clear (for the outpost's init message only). */
export async function racConnectionTokenSettings(
  db: Queryable,
  box: SecretBox,
  uuid: string,
): Promise<RacSettings> {
  const row = await queryOne<{ settings_sealed: string | null }>(
    db,
    'SELECT settings_sealed FROM rac_connection_tokens WHERE connection_token_uuid = $1',
    [uuid],
  );
  return openSecrets(box, row?.settings_sealed ?? null);
}
