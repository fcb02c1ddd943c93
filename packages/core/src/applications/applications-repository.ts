import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

export const POLICY_ENGINE_MODES = ['all', 'any'] as const;
export type PolicyEngineMode = (typeof POLICY_ENGINE_MODES)[number];

/** An application: something users sign in to, served by a provider, guarded by policy bindings. */
export interface Application {
  /** The policy-binding-model uuid: bindings target it. */
  uuid: string;
  name: string;
  slug: string;
  providerId: number | null;
  openInNewTab: boolean;
  metaLaunchUrl: string;
  metaIcon: string;
  metaDescription: string;
  metaPublisher: string;
  policyEngineMode: PolicyEngineMode;
  group: string;
}

export type ApplicationFields = Partial<Omit<Application, 'uuid'>>;

interface ApplicationRow {
  pbm_uuid: string;
  name: string;
  slug: string;
  provider_id: number | null;
  open_in_new_tab: boolean;
  meta_launch_url: string;
  meta_icon: string;
  meta_description: string;
  meta_publisher: string;
  policy_engine_mode: PolicyEngineMode;
  group: string;
}

const COLUMNS = `a.pbm_uuid, a.name, a.slug, a.provider_id, a.open_in_new_tab, a.meta_launch_url, a.meta_icon,
  a.meta_description, a.meta_publisher, a.policy_engine_mode, a."group"`;

const FIELD_COLUMNS: Record<keyof ApplicationFields, string> = {
  name: 'name',
  slug: 'slug',
  providerId: 'provider_id',
  openInNewTab: 'open_in_new_tab',
  metaLaunchUrl: 'meta_launch_url',
  metaIcon: 'meta_icon',
  metaDescription: 'meta_description',
  metaPublisher: 'meta_publisher',
  policyEngineMode: 'policy_engine_mode',
  group: '"group"',
};

const LIST_SHAPE: ListShape = {
  orderable: { name: 'a.name', slug: 'a.slug', group: 'a."group"', meta_publisher: 'a.meta_publisher' },
  searchable: ['a.name', 'a.slug', 'a.meta_description', 'a.meta_publisher', 'a."group"'],
  defaultOrder: 'a.name ASC, a.slug ASC',
};

function toApplication(row: ApplicationRow): Application {
  return {
    uuid: row.pbm_uuid,
    name: row.name,
    slug: row.slug,
    providerId: row.provider_id,
    openInNewTab: row.open_in_new_tab,
    metaLaunchUrl: row.meta_launch_url,
    metaIcon: row.meta_icon,
    metaDescription: row.meta_description,
    metaPublisher: row.meta_publisher,
    policyEngineMode: row.policy_engine_mode,
    group: row.group,
  };
}

export async function findApplicationBySlug(db: Queryable, slug: string): Promise<Application | undefined> {
  const row = await queryOne<ApplicationRow>(db, `SELECT ${COLUMNS} FROM applications a WHERE a.slug = $1`, [
    slug,
  ]);
  return row && toApplication(row);
}

/** The list filters the API offers on applications. */
export interface ApplicationFilters {
  name?: string;
  slug?: string;
  group?: string;
  metaLaunchUrl?: string;
  metaDescription?: string;
  metaPublisher?: string;
  onlyWithLaunchUrl?: boolean;
}

function conditions(f: ApplicationFilters): NonNullable<ListOptions['conditions']> {
  return [
    { sql: 'a.name = $?', value: f.name },
    { sql: 'a.slug = $?', value: f.slug },
    { sql: 'a."group" = $?', value: f.group },
    { sql: 'a.meta_launch_url = $?', value: f.metaLaunchUrl },
    { sql: 'a.meta_description = $?', value: f.metaDescription },
    { sql: 'a.meta_publisher = $?', value: f.metaPublisher },
    { sql: "(a.meta_launch_url <> '') = $?", value: f.onlyWithLaunchUrl || undefined },
  ];
}

export async function listApplications(
  db: Queryable,
  options: ListOptions & { filter?: ApplicationFilters },
): Promise<{ applications: Application[]; count: number }> {
  const { rows, count } = await queryPage<ApplicationRow>(
    db,
    LIST_SHAPE,
    { ...options, conditions: conditions(options.filter ?? {}) },
    {
      columns: COLUMNS,
      from: 'FROM applications a',
    },
  );
  return { applications: rows.map(toApplication), count };
}

/** Every application, for a user's list filtered by access (small: one row per application). */
export async function allApplications(db: Queryable): Promise<Application[]> {
  const rows = await db.query<ApplicationRow>(
    `SELECT ${COLUMNS} FROM applications a ORDER BY a.name, a.slug`,
  );
  return rows.map(toApplication);
}

function assignments(fields: ApplicationFields, params: unknown[]): { columns: string[]; values: string[] } {
  const columns: string[] = [];
  const values: string[] = [];
  for (const [key, column] of Object.entries(FIELD_COLUMNS) as [keyof ApplicationFields, string][]) {
    if (fields[key] === undefined) continue;
    columns.push(column);
    values.push(`$${params.push(fields[key])}`);
  }
  return { columns, values };
}

/** Inserts an application; a duplicate slug (or provider) surfaces as a unique violation. */
export async function insertApplication(
  db: Queryable,
  fields: ApplicationFields & { name: string; slug: string },
): Promise<Application> {
  const params: unknown[] = [];
  const { columns, values } = assignments(fields, params);
  const row = await queryOne<ApplicationRow>(
    db,
    `INSERT INTO applications AS a (${columns.join(', ')}) VALUES (${values.join(', ')}) RETURNING ${COLUMNS}`,
    params,
  );
  if (!row) throw new Error('insert returned no row');
  return toApplication(row);
}

export async function updateApplication(
  db: Queryable,
  slug: string,
  fields: ApplicationFields,
): Promise<Application | undefined> {
  const params: unknown[] = [slug];
  const { columns, values } = assignments(fields, params);
  if (columns.length === 0) return findApplicationBySlug(db, slug);
  const sets = columns.map((column, i) => `${column} = ${values[i]}`).join(', ');
  const row = await queryOne<ApplicationRow>(
    db,
    `UPDATE applications AS a SET ${sets} WHERE a.slug = $1 RETURNING ${COLUMNS}`,
    params,
  );
  return row && toApplication(row);
}

/** Deletes an application and the bindings that pointed at it. */
export async function deleteApplication(db: Queryable, slug: string): Promise<boolean> {
  const row = await queryOne<{ pbm_uuid: string }>(
    db,
    'DELETE FROM applications WHERE slug = $1 RETURNING pbm_uuid',
    [slug],
  );
  if (!row) return false;
  await db.query('DELETE FROM policy_bindings WHERE target = $1', [row.pbm_uuid]);
  return true;
}
