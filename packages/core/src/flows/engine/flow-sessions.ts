import type { Queryable } from '../../db/database.ts';
import { queryOne } from '../../db/database.ts';
import { sha256Hex } from '../../identity/secret-box.ts';
import type { FlowState } from './state.ts';

/** How long a flow attempt may stay unfinished before it is forgotten. */
export const FLOW_SESSION_SECONDS = 30 * 60;

/** A stored flow attempt. */
export interface StoredFlowSession {
  flowUuid: string;
  state: FlowState;
  step: number;
  ended: boolean;
}

interface Row {
  flow_uuid: string;
  state: FlowState;
  step: number;
  ended: boolean;
}

/** The live (not expired) attempt a flow cookie names, ended or not. */
export async function findFlowSession(db: Queryable, key: string): Promise<StoredFlowSession | undefined> {
  const row = await queryOne<Row>(
    db,
    `SELECT flow_uuid, state, step, ended_at IS NOT NULL AS ended FROM flow_sessions
     WHERE key_digest = $1 AND expires > now()`,
    [sha256Hex(key)],
  );
  return row && { flowUuid: row.flow_uuid, state: row.state, step: row.step, ended: row.ended };
}

/**
 * Stores the attempt's new state if nobody stored another since `step` was read (`step` undefined: the
 * attempt was never stored, or its row belongs to another flow or has expired). Answers false when
 * another request won the race, so one state never moves on twice.
 */
export async function saveFlowSession(
  db: Queryable,
  key: string,
  input: { state: FlowState; step: number | undefined; ended: boolean },
): Promise<boolean> {
  const digest = sha256Hex(key);
  const ended = input.ended ? 'now()' : 'NULL';
  if (input.step === undefined) {
    // Forget attempts long past, so the table holds only what may still be answered.
    await db.query('DELETE FROM flow_sessions WHERE expires < now()');
    const rows = await db.query(
      `INSERT INTO flow_sessions (key_digest, flow_uuid, state, step, ended_at, expires)
       VALUES ($1, $2, $3, 1, ${ended}, now() + make_interval(secs => $4))
       ON CONFLICT (key_digest) DO UPDATE SET flow_uuid = EXCLUDED.flow_uuid, state = EXCLUDED.state,
         step = flow_sessions.step + 1, ended_at = EXCLUDED.ended_at, expires = EXCLUDED.expires
       WHERE flow_sessions.flow_uuid <> EXCLUDED.flow_uuid OR flow_sessions.expires <= now()
       RETURNING key_digest`,
      [digest, input.state.flowUuid, JSON.stringify(input.state), FLOW_SESSION_SECONDS],
    );
    return rows.length === 1;
  }
  const rows = await db.query(
    `UPDATE flow_sessions SET state = $3, step = step + 1, ended_at = ${ended}
     WHERE key_digest = $1 AND step = $2 AND ended_at IS NULL AND expires > now() RETURNING key_digest`,
    [digest, input.step, JSON.stringify(input.state)],
  );
  return rows.length === 1;
}
