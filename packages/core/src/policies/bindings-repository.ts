import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** A binding of a user, a group (or, later, a policy) to a target such as an application. */
export interface PolicyBinding {
  uuid: string;
  target: string;
  policyUuid: string | null;
  groupUuid: string | null;
  userId: number | null;
  negate: boolean;
  enabled: boolean;
  order: number;
  timeout: number;
  failureResult: boolean;
}

export type BindingFields = Partial<Omit<PolicyBinding, 'uuid'>>;

interface BindingRow {
  uuid: string;
  target: string;
  policy_uuid: string | null;
  group_uuid: string | null;
  user_id: number | null;
  negate: boolean;
  enabled: boolean;
  order: number;
  timeout: number;
  failure_result: boolean;
}

const COLUMNS =
  'b.uuid, b.target, b.policy_uuid, b.group_uuid, b.user_id, b.negate, b.enabled, b."order", b.timeout, b.failure_result';

const FIELD_COLUMNS: Record<keyof BindingFields, string> = {
  target: 'target',
  policyUuid: 'policy_uuid',
  groupUuid: 'group_uuid',
  userId: 'user_id',
  negate: 'negate',
  enabled: 'enabled',
  order: '"order"',
  timeout: 'timeout',
  failureResult: 'failure_result',
};

const LIST_SHAPE: ListShape = {
  orderable: { order: 'b."order"', target: 'b.target', pk: 'b.uuid' },
  searchable: ['b.target::text'],
  defaultOrder: 'b.target ASC, b."order" ASC, b.uuid ASC',
};

function toBinding(row: BindingRow): PolicyBinding {
  return {
    uuid: row.uuid,
    target: row.target,
    policyUuid: row.policy_uuid,
    groupUuid: row.group_uuid,
    userId: row.user_id,
    negate: row.negate,
    enabled: row.enabled,
    order: row.order,
    timeout: row.timeout,
    failureResult: row.failure_result,
  };
}

export async function findBinding(db: Queryable, uuid: string): Promise<PolicyBinding | undefined> {
  const row = await queryOne<BindingRow>(db, `SELECT ${COLUMNS} FROM policy_bindings b WHERE b.uuid = $1`, [
    uuid,
  ]);
  return row && toBinding(row);
}

/** The bindings of one target, in evaluation order. */
export async function bindingsOf(db: Queryable, target: string): Promise<PolicyBinding[]> {
  const rows = await db.query<BindingRow>(
    `SELECT ${COLUMNS} FROM policy_bindings b WHERE b.target = $1 ORDER BY b."order", b.uuid`,
    [target],
  );
  return rows.map(toBinding);
}

export interface BindingFilters {
  target?: string;
  targets?: string[];
  enabled?: boolean;
  order?: number;
  timeout?: number;
  policyIsNull?: boolean;
}

export async function listBindings(
  db: Queryable,
  options: ListOptions & { filter?: BindingFilters },
): Promise<{ bindings: PolicyBinding[]; count: number }> {
  const f = options.filter ?? {};
  const { rows, count } = await queryPage<BindingRow>(
    db,
    LIST_SHAPE,
    {
      ...options,
      conditions: [
        { sql: 'b.target = $?::uuid', value: f.target },
        { sql: 'b.target = ANY($?::uuid[])', value: f.targets },
        { sql: 'b.enabled = $?', value: f.enabled },
        { sql: 'b."order" = $?', value: f.order },
        { sql: 'b.timeout = $?', value: f.timeout },
        { sql: '(b.policy_uuid IS NULL) = $?', value: f.policyIsNull },
      ],
    },
    {
      columns: COLUMNS,
      from: 'FROM policy_bindings b',
    },
  );
  return { bindings: rows.map(toBinding), count };
}

function assignments(fields: BindingFields, params: unknown[]): { columns: string[]; values: string[] } {
  const columns: string[] = [];
  const values: string[] = [];
  for (const [key, column] of Object.entries(FIELD_COLUMNS) as [keyof BindingFields, string][]) {
    if (fields[key] === undefined) continue;
    columns.push(column);
    values.push(`$${params.push(fields[key])}`);
  }
  return { columns, values };
}

export async function insertBinding(
  db: Queryable,
  fields: BindingFields & { target: string; order: number },
): Promise<PolicyBinding> {
  const params: unknown[] = [];
  const { columns, values } = assignments(fields, params);
  const row = await queryOne<BindingRow>(
    db,
    `INSERT INTO policy_bindings AS b (${columns.join(', ')}) VALUES (${values.join(', ')}) RETURNING ${COLUMNS}`,
    params,
  );
  if (!row) throw new Error('insert returned no row');
  return toBinding(row);
}

export async function updateBinding(
  db: Queryable,
  uuid: string,
  fields: BindingFields,
): Promise<PolicyBinding | undefined> {
  const params: unknown[] = [uuid];
  const { columns, values } = assignments(fields, params);
  if (columns.length === 0) return findBinding(db, uuid);
  const sets = columns.map((column, i) => `${column} = ${values[i]}`).join(', ');
  const row = await queryOne<BindingRow>(
    db,
    `UPDATE policy_bindings AS b SET ${sets} WHERE b.uuid = $1 RETURNING ${COLUMNS}`,
    params,
  );
  return row && toBinding(row);
}

export async function deleteBinding(db: Queryable, uuid: string): Promise<boolean> {
  return (await db.query('DELETE FROM policy_bindings WHERE uuid = $1 RETURNING uuid', [uuid])).length === 1;
}
