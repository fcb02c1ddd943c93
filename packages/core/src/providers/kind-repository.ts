import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import { setPropertyMappings } from './property-mappings-repository.ts';
import {
  insertProviderRow,
  PROVIDER_COLUMNS,
  type ProviderSummary,
  type ProviderSummaryRow,
  SUMMARY_COLUMNS,
  toProviderSummary,
} from './providers-repository.ts';

/**
 * One repository for the kinds of provider that are a `providers` row plus one subtable of plain settings
 * (LDAP, RADIUS): the settings columns carry the contract's field names, so a kind is described by its
 * table and columns and needs no code of its own to read, list, write or delete.
 */

/** How a kind's subtable looks. */
export interface KindTable<Settings> {
  /** The subtable, read with alias `x`. */
  table: string;
  /** Its settings columns, named as the contract's fields. */
  columns: ReadonlyArray<keyof Settings & string>;
  /** Extra orderings of the list (API field -> SQL). */
  orderable?: Record<string, string>;
  /** The list's `<field>__iexact` filters: API field -> SQL expression compared as text. */
  iexact: Record<string, string>;
}

/** A provider of a subtable kind: the common fields, its settings, and the outposts serving it. */
export interface KindProvider<Settings> extends ProviderSummary {
  settings: Settings;
  /** Names of the outposts that serve it. */
  outpostSet: string[];
}

/** The fields every provider has that a caller may set. */
export interface CommonProviderFields {
  name?: string;
  authenticationFlow?: string | null;
  authorizationFlow?: string;
  invalidationFlow?: string;
  propertyMappings?: string[];
}

function select<S>(kind: KindTable<S>) {
  const columns = `${SUMMARY_COLUMNS}, ${kind.columns.map((c) => `x.${c}`).join(', ')},
    coalesce((SELECT array_agg(op_o.name ORDER BY op_o.name) FROM outpost_providers op
      JOIN outposts op_o ON op_o.uuid = op.outpost_uuid WHERE op.provider_id = p.id), '{}'::text[]) AS outpost_set`;
  const from = `FROM ${kind.table} x JOIN providers p ON p.id = x.provider_id
    LEFT JOIN applications a ON a.provider_id = p.id`;
  return { columns, from };
}

type Row = Record<string, unknown> & ProviderSummaryRow & { outpost_set: string[] };

function toProvider<S>(kind: KindTable<S>, row: Row): KindProvider<S> {
  return {
    ...toProviderSummary(row),
    settings: Object.fromEntries(kind.columns.map((c) => [c, row[c]])) as S,
    outpostSet: row.outpost_set,
  };
}

/** A provider of this kind by pk, or undefined (also for a provider of another kind). */
export async function findKindProvider<S>(
  db: Queryable,
  kind: KindTable<S>,
  id: number,
): Promise<KindProvider<S> | undefined> {
  const { columns, from } = select(kind);
  const row = await queryOne<Row>(db, `SELECT ${columns} ${from} WHERE p.id = $1`, [id]);
  return row && toProvider(kind, row);
}

/** The filters every subtable kind's list offers. */
export interface KindListFilter {
  applicationIsNull?: boolean;
  /** Only the providers bound to an application (what an outpost serves). */
  hasApplication?: boolean;
  /** Only these providers (an outpost's own). */
  ids?: readonly number[];
  /** Exactly this name. */
  name?: string;
  iexact?: Record<string, string | number | boolean | undefined>;
}

/** One page of the providers of this kind. */
export async function listKindProviders<S>(
  db: Queryable,
  kind: KindTable<S>,
  options: ListOptions & { filter?: KindListFilter },
): Promise<{ providers: Array<KindProvider<S>>; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: '(a.pbm_uuid IS NULL) = $?::boolean', value: f.applicationIsNull },
    { sql: '(a.pbm_uuid IS NOT NULL) = $?::boolean', value: f.hasApplication },
    { sql: 'p.id = ANY($?::int[])', value: f.ids },
    { sql: 'p.name = $?', value: f.name },
    ...Object.entries(f.iexact ?? {}).flatMap(([field, value]) => {
      const expression = kind.iexact[field];
      return expression ? [{ sql: `lower(${expression}) = lower($?::text)`, value: value?.toString() }] : [];
    }),
  ];
  const shape: ListShape = {
    orderable: { name: 'p.name', pk: 'p.id', ...kind.orderable },
    searchable: ['p.name', 'a.slug'],
    defaultOrder: 'p.name ASC, p.id ASC',
  };
  const { rows, count } = await queryPage<Row>(db, shape, { ...options, conditions }, select(kind));
  return { providers: rows.map((row) => toProvider(kind, row)), count };
}

function assignments(values: Record<string, unknown>): Array<[column: string, value: unknown]> {
  return Object.entries(values).filter(([, value]) => value !== undefined);
}

/**
 * Creates a provider of this kind: its providers row (flows not given default to the implicit-consent and
 * default invalidation flows) and its subtable row with `columns` (the subtable's defaults for the rest).
 */
export async function insertKindProvider<S>(
  db: Queryable,
  kind: KindTable<S>,
  common: CommonProviderFields & { name: string },
  columns: Record<string, unknown>,
): Promise<KindProvider<S>> {
  const id = await insertProviderRow(db, common);
  const set = assignments(columns);
  await db.query(
    `INSERT INTO ${kind.table} (provider_id${set.map(([c]) => `, ${c}`).join('')})
     VALUES ($1${set.map((_, i) => `, $${i + 2}`).join('')})`,
    [id, ...set.map(([, v]) => v)],
  );
  await setPropertyMappings(db, id, common.propertyMappings ?? []);
  return (await findKindProvider(db, kind, id)) as KindProvider<S>;
}

/** Applies changes to a provider of this kind; undefined when there is none with this pk. */
export async function updateKindProvider<S>(
  db: Queryable,
  kind: KindTable<S>,
  id: number,
  common: CommonProviderFields,
  columns: Record<string, unknown>,
): Promise<KindProvider<S> | undefined> {
  if (!(await findKindProvider(db, kind, id))) return undefined;
  for (const [table, key, values] of [
    [
      'providers',
      'id',
      Object.fromEntries(
        Object.entries(PROVIDER_COLUMNS).map(([field, column]) => [
          column,
          common[field as keyof typeof PROVIDER_COLUMNS],
        ]),
      ),
    ],
    [kind.table, 'provider_id', columns],
  ] as const) {
    const set = assignments(values);
    if (set.length === 0) continue;
    await db.query(
      `UPDATE ${table} SET ${set.map(([c], i) => `${c} = $${i + 2}`).join(', ')} WHERE ${key} = $1`,
      [id, ...set.map(([, v]) => v)],
    );
  }
  if (common.propertyMappings !== undefined) await setPropertyMappings(db, id, common.propertyMappings);
  return findKindProvider(db, kind, id);
}

/** Deletes a provider of this kind; false when there is none with this pk (or it is of another kind). */
export async function deleteKindProvider<S>(db: Queryable, kind: KindTable<S>, id: number): Promise<boolean> {
  const deleted = await db.query(
    `DELETE FROM providers WHERE id = $1 AND EXISTS (SELECT 1 FROM ${kind.table} WHERE provider_id = $1)
     RETURNING id`,
    [id],
  );
  return deleted.length === 1;
}
