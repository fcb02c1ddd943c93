import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';

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
