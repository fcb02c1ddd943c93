import {
  type FLOW_AUTHENTICATION,
  type FLOW_DENIED_ACTIONS,
  type FLOW_DESIGNATIONS,
  type FLOW_LAYOUTS,
} from '@palisade/schema';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { insertStatement, updateStatement } from '../db/field-sql.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** A flow: its settings; its stages are bindings (flows/stage-bindings-repository.ts). */
export interface FlowRecord {
  uuid: string;
  slug: string;
  name: string;
  title: string;
  designation: (typeof FLOW_DESIGNATIONS)[number];
  background: string;
  policyEngineMode: 'all' | 'any';
  compatibilityMode: boolean;
  layout: (typeof FLOW_LAYOUTS)[number];
  deniedAction: (typeof FLOW_DENIED_ACTIONS)[number];
  authentication: (typeof FLOW_AUTHENTICATION)[number];
}

/** Fields a caller may set on a flow. */
export type FlowFields = Partial<Omit<FlowRecord, 'uuid'>>;

interface FlowRow {
  uuid: string;
  slug: string;
  name: string;
  title: string;
  designation: FlowRecord['designation'];
  background: string;
  policy_engine_mode: FlowRecord['policyEngineMode'];
  compatibility_mode: boolean;
  layout: FlowRecord['layout'];
  denied_action: FlowRecord['deniedAction'];
  authentication: FlowRecord['authentication'];
}

const COLUMNS =
  'f.uuid, f.slug, f.name, f.title, f.designation, f.background, f.policy_engine_mode, f.compatibility_mode, f.layout, f.denied_action, f.authentication';

const FIELD_COLUMNS: Record<keyof FlowFields, string> = {
  slug: 'slug',
  name: 'name',
  title: 'title',
  designation: 'designation',
  background: 'background',
  policyEngineMode: 'policy_engine_mode',
  compatibilityMode: 'compatibility_mode',
  layout: 'layout',
  deniedAction: 'denied_action',
  authentication: 'authentication',
};

const LIST_SHAPE: ListShape = {
  orderable: { slug: 'f.slug', name: 'f.name', designation: 'f.designation', title: 'f.title' },
  searchable: ['f.slug', 'f.name', 'f.title'],
  defaultOrder: 'f.slug ASC',
};

function toFlow(row: FlowRow): FlowRecord {
  return {
    uuid: row.uuid,
    slug: row.slug,
    name: row.name,
    title: row.title,
    designation: row.designation,
    background: row.background,
    policyEngineMode: row.policy_engine_mode,
    compatibilityMode: row.compatibility_mode,
    layout: row.layout,
    deniedAction: row.denied_action,
    authentication: row.authentication,
  };
}

/** The flow with this uuid. */
export async function findFlow(db: Queryable, uuid: string): Promise<FlowRecord | undefined> {
  const row = await queryOne<FlowRow>(db, `SELECT ${COLUMNS} FROM flows f WHERE f.uuid = $1`, [uuid]);
  return row && toFlow(row);
}

/** The flow with this slug. */
export async function findFlowBySlug(db: Queryable, slug: string): Promise<FlowRecord | undefined> {
  const row = await queryOne<FlowRow>(db, `SELECT ${COLUMNS} FROM flows f WHERE f.slug = $1`, [slug]);
  return row && toFlow(row);
}

/** One page of flows. */
export async function listFlows(
  db: Queryable,
  options: ListOptions & {
    filter?: { designation?: string; slug?: string; name?: string; uuid?: string; deniedAction?: string };
  },
): Promise<{ flows: FlowRecord[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: 'f.designation = $?', value: f.designation },
    { sql: 'f.slug = $?', value: f.slug },
    { sql: 'f.name = $?', value: f.name },
    { sql: 'f.uuid = $?::uuid', value: f.uuid },
    { sql: 'f.denied_action = $?', value: f.deniedAction },
  ];
  const { rows, count } = await queryPage<FlowRow>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: 'FROM flows f' },
  );
  return { flows: rows.map(toFlow), count };
}

/** Creates a flow. */
export async function insertFlow(
  db: Queryable,
  fields: FlowFields & Pick<FlowRecord, 'slug' | 'name' | 'title' | 'designation'>,
): Promise<FlowRecord> {
  const { sql, params } = insertStatement('flows AS f', FIELD_COLUMNS, fields, COLUMNS);
  const row = await queryOne<FlowRow>(db, sql, params);
  if (!row) throw new Error('insert returned no row');
  return toFlow(row);
}

/** Changes a flow's fields; undefined when there is no such flow. */
export async function updateFlow(
  db: Queryable,
  uuid: string,
  fields: FlowFields,
): Promise<FlowRecord | undefined> {
  const statement = updateStatement('flows AS f', FIELD_COLUMNS, fields, 'f.uuid', COLUMNS);
  if (!statement) return findFlow(db, uuid);
  const row = await queryOne<FlowRow>(db, statement.sql, [uuid, ...statement.params]);
  return row && toFlow(row);
}

/** Deletes a flow (its bindings go with it). */
export async function deleteFlow(db: Queryable, uuid: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM flows WHERE uuid = $1 RETURNING uuid', [uuid]);
  return rows.length === 1;
}
