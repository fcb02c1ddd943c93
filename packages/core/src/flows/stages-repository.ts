import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** A stage as stored: its kind's own fields are in `config`, shaped by the kind (flows/engine/stages/). */
export interface StageRecord {
  uuid: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
}

const COLUMNS = 's.uuid, s.name, s.kind, s.config';

const LIST_SHAPE: ListShape = {
  orderable: { name: 's.name', pk: 's.uuid' },
  searchable: ['s.name'],
  defaultOrder: 's.name ASC',
};

/** The stage with this uuid, of any kind (or only of `kind`). */
export async function findStage(
  db: Queryable,
  uuid: string,
  kind?: string,
): Promise<StageRecord | undefined> {
  return queryOne<StageRecord>(
    db,
    `SELECT ${COLUMNS} FROM stages s WHERE s.uuid = $1 AND ($2::text IS NULL OR s.kind = $2)`,
    [uuid, kind ?? null],
  );
}

/** The stage with this name. */
export async function findStageByName(db: Queryable, name: string): Promise<StageRecord | undefined> {
  return queryOne<StageRecord>(db, `SELECT ${COLUMNS} FROM stages s WHERE s.name = $1`, [name]);
}

/** One page of stages, of one kind or (kind undefined) of all kinds. */
export async function listStages(
  db: Queryable,
  options: ListOptions & { kind?: string; name?: string },
): Promise<{ stages: StageRecord[]; count: number }> {
  const conditions = [
    { sql: 's.kind = $?', value: options.kind },
    { sql: 's.name = $?', value: options.name },
  ];
  const { rows, count } = await queryPage<StageRecord>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: 'FROM stages s' },
  );
  return { stages: rows, count };
}

/** Creates a stage. */
export async function insertStage(db: Queryable, stage: Omit<StageRecord, 'uuid'>): Promise<StageRecord> {
  const row = await queryOne<StageRecord>(
    db,
    `INSERT INTO stages AS s (name, kind, config) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
    [stage.name, stage.kind, JSON.stringify(stage.config)],
  );
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Replaces a stage's name and fields. */
export async function updateStage(
  db: Queryable,
  uuid: string,
  changes: { name: string; config: Record<string, unknown> },
): Promise<StageRecord | undefined> {
  return queryOne<StageRecord>(
    db,
    `UPDATE stages AS s SET name = $2, config = $3 WHERE s.uuid = $1 RETURNING ${COLUMNS}`,
    [uuid, changes.name, JSON.stringify(changes.config)],
  );
}

/** Deletes a stage (its bindings go with it, and the policy bindings on those bindings). */
export async function deleteStage(db: Queryable, uuid: string): Promise<boolean> {
  await db.query(
    'DELETE FROM policy_bindings WHERE target IN (SELECT uuid FROM flow_stage_bindings WHERE stage_uuid = $1)',
    [uuid],
  );
  const rows = await db.query('DELETE FROM stages WHERE uuid = $1 RETURNING uuid', [uuid]);
  return rows.length === 1;
}

/** The flows each of these stages is bound to, for the Stage's `flow_set`. */
export async function flowsOfStages(db: Queryable, stageUuids: string[]): Promise<Map<string, string[]>> {
  const rows = await db.query<{ stage_uuid: string; flow_uuid: string }>(
    `SELECT DISTINCT stage_uuid, flow_uuid FROM flow_stage_bindings WHERE stage_uuid = ANY($1::uuid[])`,
    [stageUuids],
  );
  const map = new Map<string, string[]>();
  for (const row of rows) map.set(row.stage_uuid, [...(map.get(row.stage_uuid) ?? []), row.flow_uuid]);
  return map;
}
