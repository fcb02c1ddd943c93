import type { OutpostType } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** An outpost as stored; `config` is the raw stored object (read it with storedOutpostConfig). */
export interface Outpost {
  uuid: string;
  name: string;
  type: OutpostType;
  serviceConnection: string | null;
  config: Record<string, unknown>;
  managed: string | null;
  /** Provider ids, ascending. */
  providers: number[];
}

/** Fields of a new outpost or of a change to one. */
export interface OutpostFields {
  name: string;
  type: OutpostType;
  serviceConnection: string | null;
  config: Record<string, unknown>;
  managed: string | null;
  providers: number[];
}

interface Row {
  uuid: string;
  name: string;
  type: OutpostType;
  service_connection: string | null;
  config: Record<string, unknown>;
  managed: string | null;
  providers: number[] | null;
}

const COLUMNS = `o.uuid, o.name, o.type, o.service_connection, o.config, o.managed,
  (SELECT array_agg(op.provider_id ORDER BY op.provider_id) FROM outpost_providers op
   WHERE op.outpost_uuid = o.uuid) AS providers`;

const LIST_SHAPE: ListShape = {
  orderable: { name: 'o.name', type: 'o.type', managed: 'o.managed' },
  searchable: [
    'o.name',
    `(SELECT string_agg(p.name, ' ') FROM outpost_providers op JOIN providers p ON p.id = op.provider_id
      WHERE op.outpost_uuid = o.uuid)`,
  ],
  defaultOrder: 'o.name ASC, o.uuid ASC',
};

function toOutpost(row: Row): Outpost {
  return {
    uuid: row.uuid,
    name: row.name,
    type: row.type,
    serviceConnection: row.service_connection,
    config: row.config,
    managed: row.managed,
    providers: (row.providers ?? []).map(Number),
  };
}

/** Finds an outpost by its uuid. */
export async function findOutpost(db: Queryable, uuid: string): Promise<Outpost | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} FROM outposts o WHERE o.uuid = $1::uuid`, [uuid]);
  return row && toOutpost(row);
}

/** Finds an outpost by its `managed` value (the embedded outpost's is MANAGED_EMBEDDED_OUTPOST). */
export async function findOutpostByManaged(db: Queryable, managed: string): Promise<Outpost | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} FROM outposts o WHERE o.managed = $1`, [managed]);
  return row && toOutpost(row);
}

/** Finds an outpost by its exact name. */
export async function findOutpostByName(db: Queryable, name: string): Promise<Outpost | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} FROM outposts o WHERE o.name = $1`, [name]);
  return row && toOutpost(row);
}

/** The contract's list filters on outposts. */
export interface OutpostFilters {
  nameIexact?: string;
  nameIcontains?: string;
  managedIexact?: string;
  managedIcontains?: string;
  providersIsNull?: boolean;
  providersByPk?: number[];
  /** The name of the outpost's service connection, exactly (any case) or in part. */
  connectionNameIexact?: string;
  connectionNameIcontains?: string;
  /** Only this outpost (an outpost's token sees its own outpost only). */
  uuid?: string;
}

const contains = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Lists outposts with filters, search, ordering and a page window. */
export async function listOutposts(
  db: Queryable,
  options: ListOptions & { filter?: OutpostFilters },
): Promise<{ outposts: Outpost[]; count: number }> {
  const f = options.filter ?? {};
  const connectionName = '(SELECT sc.name FROM service_connections sc WHERE sc.uuid = o.service_connection)';
  const hasProviders = 'EXISTS (SELECT 1 FROM outpost_providers op WHERE op.outpost_uuid = o.uuid)';
  const conditions = [
    { sql: 'lower(o.name) = lower($?)', value: f.nameIexact },
    { sql: 'o.name ILIKE $?', value: f.nameIcontains && contains(f.nameIcontains) },
    { sql: 'lower(o.managed) = lower($?)', value: f.managedIexact },
    { sql: 'o.managed ILIKE $?', value: f.managedIcontains && contains(f.managedIcontains) },
    { sql: `(NOT ${hasProviders}) = $?`, value: f.providersIsNull },
    {
      sql: 'EXISTS (SELECT 1 FROM outpost_providers op WHERE op.outpost_uuid = o.uuid AND op.provider_id = ANY($?))',
      value: f.providersByPk?.length ? f.providersByPk : undefined,
    },
    { sql: 'o.uuid = $?::uuid', value: f.uuid },
    { sql: `lower(${connectionName}) = lower($?)`, value: f.connectionNameIexact },
    {
      sql: `${connectionName} ILIKE $?`,
      value: f.connectionNameIcontains && contains(f.connectionNameIcontains),
    },
  ];
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, conditions: [...(options.conditions ?? []), ...conditions] },
    { columns: COLUMNS, from: 'FROM outposts o' },
  );
  return { outposts: rows.map(toOutpost), count };
}

/** Every outpost's uuid (for the startup repair of service accounts). */
export async function allOutpostUuids(db: Queryable): Promise<string[]> {
  return (await db.query<{ uuid: string }>('SELECT uuid FROM outposts ORDER BY name')).map((r) => r.uuid);
}

async function setProviders(db: Queryable, uuid: string, providers: number[]): Promise<void> {
  await db.query('DELETE FROM outpost_providers WHERE outpost_uuid = $1', [uuid]);
  if (providers.length === 0) return;
  await db.query(
    `INSERT INTO outpost_providers (outpost_uuid, provider_id)
     SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING`,
    [uuid, providers],
  );
}

/** Creates an outpost with its providers; a duplicate name or managed value is a unique violation. */
export async function insertOutpost(db: Queryable, fields: OutpostFields): Promise<Outpost> {
  const row = await queryOne<{ uuid: string }>(
    db,
    `INSERT INTO outposts (name, type, service_connection, config, managed)
     VALUES ($1, $2, $3, $4, $5) RETURNING uuid`,
    [fields.name, fields.type, fields.serviceConnection, JSON.stringify(fields.config), fields.managed],
  );
  if (!row) throw new Error('insert returned no row');
  await setProviders(db, row.uuid, fields.providers);
  return (await findOutpost(db, row.uuid)) as Outpost;
}

/** Replaces an outpost's fields and providers; undefined when it does not exist. */
export async function updateOutpost(
  db: Queryable,
  uuid: string,
  fields: OutpostFields,
): Promise<Outpost | undefined> {
  const rows = await db.query(
    `UPDATE outposts SET name = $2, type = $3, service_connection = $4, config = $5, managed = $6
     WHERE uuid = $1::uuid RETURNING uuid`,
    [uuid, fields.name, fields.type, fields.serviceConnection, JSON.stringify(fields.config), fields.managed],
  );
  if (rows.length === 0) return undefined;
  await setProviders(db, uuid, fields.providers);
  return findOutpost(db, uuid);
}

/** Deletes an outpost (its provider links and instance rows go with it). */
export async function deleteOutpost(db: Queryable, uuid: string): Promise<boolean> {
  return (await db.query('DELETE FROM outposts WHERE uuid = $1::uuid RETURNING uuid', [uuid])).length === 1;
}

/** The outpost whose service account is the user with this username (`ak-outpost-<uuid hex>`), if any. */
export async function findOutpostByServiceAccount(
  db: Queryable,
  username: string,
): Promise<Outpost | undefined> {
  const hex = /^ak-outpost-([0-9a-f]{32})$/.exec(username)?.[1];
  if (!hex) return undefined;
  return findOutpost(db, hex);
}
