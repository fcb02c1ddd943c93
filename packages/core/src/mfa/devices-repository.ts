import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** The kinds of second-factor device Palisade stores, as the API's device classes name them. */
export const DEVICE_KINDS = ['totp', 'static', 'webauthn'] as const;
/** One of DEVICE_KINDS. */
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** The table of each kind; every one has the common columns of `Device` below. */
const TABLES: Record<DeviceKind, string> = {
  totp: 'totp_devices',
  static: 'static_devices',
  webauthn: 'webauthn_devices',
};

/** What every device has, whatever its kind. */
export interface Device {
  kind: DeviceKind;
  id: number;
  userId: number;
  name: string;
  confirmed: boolean;
  created: Date;
  lastUpdated: Date;
  lastUsed: Date | null;
}

interface DeviceRow {
  id: number;
  user_id: number;
  name: string;
  confirmed: boolean;
  created: Date;
  last_updated: Date;
  last_used: Date | null;
}

const COLUMNS = 'd.id, d.user_id, d.name, d.confirmed, d.created, d.last_updated, d.last_used';

const LIST_SHAPE: ListShape = {
  orderable: { pk: 'd.id', name: 'd.name', created: 'd.created', last_used: 'd.last_used' },
  searchable: ['d.name'],
  defaultOrder: 'd.id ASC',
};

function toDevice(kind: DeviceKind, row: DeviceRow): Device {
  return {
    kind,
    id: row.id,
    userId: row.user_id,
    name: row.name,
    confirmed: row.confirmed,
    created: new Date(row.created),
    lastUpdated: new Date(row.last_updated),
    lastUsed: row.last_used ? new Date(row.last_used) : null,
  };
}

/** Filters of a device list: whose devices, which name, confirmed ones only. */
export interface DeviceFilters {
  userId?: number;
  name?: string;
  confirmed?: boolean;
}

/** Lists one kind's devices with filters, search, ordering and a page window. */
export async function listDevices(
  db: Queryable,
  kind: DeviceKind,
  options: ListOptions & { filter?: DeviceFilters },
): Promise<{ devices: Device[]; count: number }> {
  const f = options.filter ?? {};
  const { rows, count } = await queryPage<DeviceRow>(
    db,
    LIST_SHAPE,
    {
      ...options,
      conditions: [
        { sql: 'd.user_id = $?', value: f.userId },
        { sql: 'd.name = $?', value: f.name },
        { sql: 'd.confirmed = $?', value: f.confirmed },
      ],
    },
    { columns: COLUMNS, from: `FROM ${TABLES[kind]} d` },
  );
  return { devices: rows.map((row) => toDevice(kind, row)), count };
}

/** Every device of a user, all kinds, oldest first within each kind (the API's /authenticators/all/). */
export async function listUserDevices(
  db: Queryable,
  userId: number,
  options: { confirmedOnly?: boolean } = {},
): Promise<Device[]> {
  const all: Device[] = [];
  for (const kind of DEVICE_KINDS) {
    const rows = await db.query<DeviceRow>(
      `SELECT ${COLUMNS} FROM ${TABLES[kind]} d WHERE d.user_id = $1 ${options.confirmedOnly ? 'AND d.confirmed' : ''} ORDER BY d.id`,
      [userId],
    );
    all.push(...rows.map((row) => toDevice(kind, row)));
  }
  return all;
}

/** Finds a device by kind and id; with `userId`, only if it belongs to that user. */
export async function findDevice(
  db: Queryable,
  kind: DeviceKind,
  id: number,
  userId?: number,
): Promise<Device | undefined> {
  const row = await queryOne<DeviceRow>(
    db,
    `SELECT ${COLUMNS} FROM ${TABLES[kind]} d WHERE d.id = $1 AND ($2::int IS NULL OR d.user_id = $2)`,
    [id, userId ?? null],
  );
  return row && toDevice(kind, row);
}

/** Renames a device (scoped to `userId` when given); undefined when there is no such device. */
export async function renameDevice(
  db: Queryable,
  kind: DeviceKind,
  id: number,
  name: string,
  userId?: number,
): Promise<Device | undefined> {
  const row = await queryOne<DeviceRow>(
    db,
    `UPDATE ${TABLES[kind]} d SET name = $3, last_updated = now()
      WHERE d.id = $1 AND ($2::int IS NULL OR d.user_id = $2) RETURNING ${COLUMNS}`,
    [id, userId ?? null, name],
  );
  return row && toDevice(kind, row);
}

/** Deletes a device (scoped to `userId` when given); answers whether one was deleted. */
export async function deleteDevice(
  db: Queryable,
  kind: DeviceKind,
  id: number,
  userId?: number,
): Promise<boolean> {
  const rows = await db.query(
    `DELETE FROM ${TABLES[kind]} d WHERE d.id = $1 AND ($2::int IS NULL OR d.user_id = $2) RETURNING d.id`,
    [id, userId ?? null],
  );
  return rows.length > 0;
}

/** Marks a device confirmed (its setup finished) and used now. */
export async function confirmDevice(db: Queryable, kind: DeviceKind, id: number): Promise<void> {
  await db.query(
    `UPDATE ${TABLES[kind]} SET confirmed = true, last_updated = now(), last_used = now() WHERE id = $1`,
    [id],
  );
}

/** Deletes a user's unconfirmed devices of a kind: setups that were started and never finished. */
export async function deleteUnconfirmedDevices(
  db: Queryable,
  kind: DeviceKind,
  userId: number,
): Promise<void> {
  await db.query(`DELETE FROM ${TABLES[kind]} WHERE user_id = $1 AND NOT confirmed`, [userId]);
}
