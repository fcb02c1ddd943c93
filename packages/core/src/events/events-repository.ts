import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** An event as stored (the contract's Event, in the core's naming). */
export interface StoredEvent {
  uuid: string;
  action: string;
  app: string;
  clientIp: string | null;
  user: Record<string, unknown>;
  context: Record<string, unknown>;
  brand: Record<string, unknown>;
  created: Date;
  expires: Date;
}

/** Fields of a new event; `expires` defaults to a year from now (the table's default). */
export interface NewEvent {
  action: string;
  app: string;
  clientIp?: string | null;
  user?: Record<string, unknown>;
  context?: Record<string, unknown>;
  brand?: Record<string, unknown>;
  expires?: Date;
}

interface Row {
  uuid: string;
  action: string;
  app: string;
  client_ip: string | null;
  user: Record<string, unknown>;
  context: Record<string, unknown>;
  brand: Record<string, unknown>;
  created: Date | string;
  expires: Date | string;
}

/** Records an event. */
export async function insertEvent(db: Queryable, event: NewEvent): Promise<StoredEvent> {
  const row = await queryOne<Row>(
    db,
    `INSERT INTO events (action, app, client_ip, "user", context, brand, expires)
     VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now() + interval '365 days'))
     RETURNING uuid, action, app, client_ip, "user", context, brand, created, expires`,
    [
      event.action,
      event.app,
      event.clientIp ?? null,
      JSON.stringify(event.user ?? {}),
      JSON.stringify(event.context ?? {}),
      JSON.stringify(event.brand ?? {}),
      event.expires ?? null,
    ],
  );
  if (!row) throw new Error('insert returned no row');
  return toStoredEvent(row);
}

function toStoredEvent(row: Row): StoredEvent {
  return {
    uuid: row.uuid,
    action: row.action,
    app: row.app,
    clientIp: row.client_ip,
    user: row.user,
    context: row.context,
    brand: row.brand,
    created: new Date(row.created),
    expires: new Date(row.expires),
  };
}

/** What the events list may search and order by (the contract's list of events). */
const EVENT_LIST_SHAPE: ListShape = {
  orderable: {
    created: 'created',
    action: 'action',
    app: 'app',
    client_ip: 'client_ip',
    user: `"user"->>'username'`,
  },
  searchable: ['action', 'app', 'client_ip', `"user"->>'username'`, 'context::text'],
  defaultOrder: 'uuid',
};

const EVENT_COLUMNS = 'uuid, action, app, client_ip, "user", context, brand, created, expires';

/** Filters of the events list, each matching exactly (undefined: no filter). */
export interface EventFilters {
  action?: string;
  actions?: string[];
  username?: string;
  clientIp?: string;
}

/** Lists events, newest first unless `ordering` says otherwise; returns the page and the total count. */
export async function listEvents(
  db: Queryable,
  options: ListOptions & { filter?: EventFilters },
): Promise<{ events: StoredEvent[]; count: number }> {
  const f = options.filter ?? {};
  const { rows, count } = await queryPage<Row>(
    db,
    EVENT_LIST_SHAPE,
    {
      ...options,
      ordering: options.ordering || '-created',
      conditions: [
        { sql: 'action = $?', value: f.action },
        { sql: 'action = ANY($?)', value: f.actions?.length ? f.actions : undefined },
        { sql: `"user"->>'username' = $?`, value: f.username },
        { sql: 'client_ip = $?', value: f.clientIp },
      ],
    },
    { columns: EVENT_COLUMNS, from: 'FROM events' },
  );
  return { events: rows.map(toStoredEvent), count };
}

/** One event by its uuid. */
export async function findEvent(db: Queryable, uuid: string): Promise<StoredEvent | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${EVENT_COLUMNS} FROM events WHERE uuid = $1`, [uuid]);
  return row ? toStoredEvent(row) : undefined;
}
