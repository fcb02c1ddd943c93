import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { insertStatement, updateStatement } from '../db/field-sql.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** A flow-stage binding: `stage` runs in `flow` at `order`, subject to the binding's own policies. */
export interface StageBinding {
  uuid: string;
  flowUuid: string;
  stageUuid: string;
  order: number;
  evaluateOnPlan: boolean;
  reEvaluatePolicies: boolean;
  policyEngineMode: 'all' | 'any';
  invalidResponseAction: 'retry' | 'restart' | 'restart_with_context';
}

/** Fields a caller may set on a binding. */
export type StageBindingFields = Partial<Omit<StageBinding, 'uuid'>>;

interface BindingRow {
  uuid: string;
  flow_uuid: string;
  stage_uuid: string;
  order: number;
  evaluate_on_plan: boolean;
  re_evaluate_policies: boolean;
  policy_engine_mode: StageBinding['policyEngineMode'];
  invalid_response_action: StageBinding['invalidResponseAction'];
}

const COLUMNS =
  'b.uuid, b.flow_uuid, b.stage_uuid, b."order", b.evaluate_on_plan, b.re_evaluate_policies, b.policy_engine_mode, b.invalid_response_action';

const FIELD_COLUMNS: Record<keyof StageBindingFields, string> = {
  flowUuid: 'flow_uuid',
  stageUuid: 'stage_uuid',
  order: '"order"',
  evaluateOnPlan: 'evaluate_on_plan',
  reEvaluatePolicies: 're_evaluate_policies',
  policyEngineMode: 'policy_engine_mode',
  invalidResponseAction: 'invalid_response_action',
};

const LIST_SHAPE: ListShape = {
  orderable: { order: 'b."order"', target: 'b.flow_uuid', stage: 'b.stage_uuid', pk: 'b.uuid' },
  searchable: ['b.flow_uuid::text', 'b.stage_uuid::text'],
  defaultOrder: 'b.flow_uuid ASC, b."order" ASC, b.uuid ASC',
};

function toBinding(row: BindingRow): StageBinding {
  return {
    uuid: row.uuid,
    flowUuid: row.flow_uuid,
    stageUuid: row.stage_uuid,
    order: row.order,
    evaluateOnPlan: row.evaluate_on_plan,
    reEvaluatePolicies: row.re_evaluate_policies,
    policyEngineMode: row.policy_engine_mode,
    invalidResponseAction: row.invalid_response_action,
  };
}

/** The binding with this uuid. */
export async function findStageBinding(db: Queryable, uuid: string): Promise<StageBinding | undefined> {
  const row = await queryOne<BindingRow>(
    db,
    `SELECT ${COLUMNS} FROM flow_stage_bindings b WHERE b.uuid = $1`,
    [uuid],
  );
  return row && toBinding(row);
}

/** A flow's bindings, in the order the flow runs them. */
export async function bindingsOfFlow(db: Queryable, flowUuid: string): Promise<StageBinding[]> {
  const rows = await db.query<BindingRow>(
    `SELECT ${COLUMNS} FROM flow_stage_bindings b WHERE b.flow_uuid = $1 ORDER BY b."order", b.uuid`,
    [flowUuid],
  );
  return rows.map(toBinding);
}

/** One page of bindings. */
export async function listStageBindings(
  db: Queryable,
  options: ListOptions & {
    filter?: { flowUuid?: string; stageUuid?: string; uuid?: string; order?: number };
  },
): Promise<{ bindings: StageBinding[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: 'b.flow_uuid = $?::uuid', value: f.flowUuid },
    { sql: 'b.stage_uuid = $?::uuid', value: f.stageUuid },
    { sql: 'b.uuid = $?::uuid', value: f.uuid },
    { sql: 'b."order" = $?', value: f.order },
  ];
  const { rows, count } = await queryPage<BindingRow>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: 'FROM flow_stage_bindings b' },
  );
  return { bindings: rows.map(toBinding), count };
}

/** Creates a binding. */
export async function insertStageBinding(
  db: Queryable,
  fields: StageBindingFields & Pick<StageBinding, 'flowUuid' | 'stageUuid' | 'order'>,
): Promise<StageBinding> {
  const { sql, params } = insertStatement('flow_stage_bindings AS b', FIELD_COLUMNS, fields, COLUMNS);
  const row = await queryOne<BindingRow>(db, sql, params);
  if (!row) throw new Error('insert returned no row');
  return toBinding(row);
}

/** Changes a binding. */
export async function updateStageBinding(
  db: Queryable,
  uuid: string,
  fields: StageBindingFields,
): Promise<StageBinding | undefined> {
  const statement = updateStatement('flow_stage_bindings AS b', FIELD_COLUMNS, fields, 'b.uuid', COLUMNS);
  if (!statement) return findStageBinding(db, uuid);
  const row = await queryOne<BindingRow>(db, statement.sql, [uuid, ...statement.params]);
  return row && toBinding(row);
}

/** Deletes a binding and the policy bindings on it (they target it by uuid, with no foreign key). */
export async function deleteStageBinding(db: Queryable, uuid: string): Promise<boolean> {
  await db.query('DELETE FROM policy_bindings WHERE target = $1', [uuid]);
  const rows = await db.query('DELETE FROM flow_stage_bindings WHERE uuid = $1 RETURNING uuid', [uuid]);
  return rows.length === 1;
}
