import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** A group as stored, with its parent and member references. */
export interface Group {
  uuid: string;
  numPk: number;
  name: string;
  isSuperuser: boolean;
  attributes: Record<string, unknown>;
  parents: string[];
  children: string[];
  memberIds: number[];
}

/** Fields a caller may set on a group. */
export interface GroupFields {
  name?: string;
  isSuperuser?: boolean;
  attributes?: Record<string, unknown>;
  parents?: string[];
  memberIds?: number[];
}

interface GroupRow {
  uuid: string;
  id: number;
  name: string;
  is_superuser: boolean;
  attributes: Record<string, unknown>;
  parents: string[] | null;
  children: string[] | null;
  members: number[] | null;
}

const GROUP_COLUMNS = `g.uuid, g.id, g.name, g.is_superuser, g.attributes,
  ARRAY(SELECT gp.parent_uuid::text FROM group_parents gp WHERE gp.group_uuid = g.uuid ORDER BY 1) AS parents,
  ARRAY(SELECT gp.group_uuid::text FROM group_parents gp WHERE gp.parent_uuid = g.uuid ORDER BY 1) AS children,
  ARRAY(SELECT gm.user_id FROM group_members gm WHERE gm.group_uuid = g.uuid ORDER BY 1) AS members`;

const GROUP_LIST_SHAPE: ListShape = {
  orderable: { name: 'g.name', is_superuser: 'g.is_superuser', pk: 'g.uuid', num_pk: 'g.id' },
  searchable: ['g.name'],
  defaultOrder: 'g.name ASC',
};

function toGroup(row: GroupRow): Group {
  return {
    uuid: row.uuid,
    numPk: row.id,
    name: row.name,
    isSuperuser: row.is_superuser,
    attributes: row.attributes,
    parents: row.parents ?? [],
    children: row.children ?? [],
    memberIds: row.members ?? [],
  };
}

/** Finds a group by its uuid (the API's pk). */
export async function findGroupByUuid(db: Queryable, uuid: string): Promise<Group | undefined> {
  const row = await queryOne<GroupRow>(db, `SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.uuid = $1`, [uuid]);
  return row && toGroup(row);
}

/** Finds groups by uuid, in no particular order (for expanding references). */
export async function findGroupsByUuids(db: Queryable, uuids: readonly string[]): Promise<Group[]> {
  if (uuids.length === 0) return [];
  const rows = await db.query<GroupRow>(
    `SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.uuid = ANY($1::uuid[])`,
    [[...uuids]],
  );
  return rows.map(toGroup);
}

/** The uuids of the groups a user is a direct member of, per user id. */
export async function groupUuidsOfUsers(
  db: Queryable,
  userIds: readonly number[],
): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  const rows = await db.query<{ user_id: number; group_uuid: string }>(
    'SELECT user_id, group_uuid::text FROM group_members WHERE user_id = ANY($1::int[]) ORDER BY group_uuid',
    [[...userIds]],
  );
  for (const row of rows) result.get(row.user_id)?.push(row.group_uuid);
  return result;
}

/** The list filters the API offers on groups. */
export interface GroupFilters {
  name?: string;
  isSuperuser?: boolean;
  memberUsernames?: string[];
  memberIds?: number[];
  attributes?: Record<string, unknown>;
}

function groupConditions(f: GroupFilters): NonNullable<ListOptions['conditions']> {
  return [
    { sql: 'g.name = $?', value: f.name },
    { sql: 'g.is_superuser = $?', value: f.isSuperuser },
    {
      sql: 'EXISTS (SELECT 1 FROM group_members gm JOIN users u ON u.id = gm.user_id WHERE gm.group_uuid = g.uuid AND u.username = ANY($?))',
      value: f.memberUsernames,
    },
    {
      sql: 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_uuid = g.uuid AND gm.user_id = ANY($?::int[]))',
      value: f.memberIds,
    },
    { sql: 'g.attributes @> $?::jsonb', value: f.attributes && JSON.stringify(f.attributes) },
  ];
}

/** Lists groups with filters, search, ordering and a page window. */
export async function listGroups(
  db: Queryable,
  options: ListOptions & { filter?: GroupFilters },
): Promise<{ groups: Group[]; count: number }> {
  const { rows, count } = await queryPage<GroupRow>(
    db,
    GROUP_LIST_SHAPE,
    {
      ...options,
      conditions: [...(options.conditions ?? []), ...groupConditions(options.filter ?? {})],
    },
    {
      columns: GROUP_COLUMNS,
      from: 'FROM groups g',
    },
  );
  return { groups: rows.map(toGroup), count };
}

/** Inserts a group with its parents and members; callers run it in a transaction. */
export async function insertGroup(db: Queryable, fields: GroupFields & { name: string }): Promise<Group> {
  const row = await queryOne<{ uuid: string }>(
    db,
    'INSERT INTO groups (name, is_superuser, attributes) VALUES ($1, $2, $3) RETURNING uuid',
    [fields.name, fields.isSuperuser ?? false, JSON.stringify(fields.attributes ?? {})],
  );
  if (!row) throw new Error('insert returned no row');
  await replaceRelations(db, row.uuid, fields);
  return (await findGroupByUuid(db, row.uuid)) as Group;
}

/** Updates a group; `parents` and `memberIds`, when given, replace the current sets. */
export async function updateGroup(
  db: Queryable,
  uuid: string,
  fields: GroupFields,
): Promise<Group | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [uuid];
  if (fields.name !== undefined) sets.push(`name = $${params.push(fields.name)}`);
  if (fields.isSuperuser !== undefined) sets.push(`is_superuser = $${params.push(fields.isSuperuser)}`);
  if (fields.attributes !== undefined)
    sets.push(`attributes = $${params.push(JSON.stringify(fields.attributes))}`);
  const exists = sets.length
    ? (await db.query(`UPDATE groups SET ${sets.join(', ')} WHERE uuid = $1 RETURNING uuid`, params))
        .length === 1
    : (await findGroupByUuid(db, uuid)) !== undefined;
  if (!exists) return undefined;
  await replaceRelations(db, uuid, fields);
  return findGroupByUuid(db, uuid);
}

async function replaceRelations(db: Queryable, uuid: string, fields: GroupFields): Promise<void> {
  if (fields.parents) {
    await db.query('DELETE FROM group_parents WHERE group_uuid = $1', [uuid]);
    await db.query(
      'INSERT INTO group_parents (group_uuid, parent_uuid) SELECT $1, p FROM unnest($2::uuid[]) AS p ON CONFLICT DO NOTHING',
      [uuid, fields.parents],
    );
  }
  if (fields.memberIds) {
    await db.query('DELETE FROM group_members WHERE group_uuid = $1', [uuid]);
    await db.query(
      'INSERT INTO group_members (group_uuid, user_id) SELECT $1, m FROM unnest($2::int[]) AS m ON CONFLICT DO NOTHING',
      [uuid, fields.memberIds],
    );
  }
}

/** Answers whether making `parents` the parents of `uuid` would close a cycle. */
export async function wouldCreateCycle(
  db: Queryable,
  uuid: string,
  parents: readonly string[],
): Promise<boolean> {
  if (parents.includes(uuid)) return true;
  if (parents.length === 0) return false;
  const row = await queryOne<{ cycle: boolean }>(
    db,
    `WITH RECURSIVE ancestry(uuid) AS (
       SELECT unnest($2::uuid[])
       UNION SELECT gp.parent_uuid FROM group_parents gp JOIN ancestry a ON gp.group_uuid = a.uuid
     ) SELECT EXISTS (SELECT 1 FROM ancestry WHERE uuid = $1) AS cycle`,
    [uuid, [...parents]],
  );
  return row?.cycle ?? false;
}

/** Adds a user to a group (idempotent). */
export async function addGroupMember(db: Queryable, uuid: string, userId: number): Promise<void> {
  await db.query('INSERT INTO group_members (group_uuid, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    uuid,
    userId,
  ]);
}

/** Removes a user from a group (idempotent). */
export async function removeGroupMember(db: Queryable, uuid: string, userId: number): Promise<void> {
  await db.query('DELETE FROM group_members WHERE group_uuid = $1 AND user_id = $2', [uuid, userId]);
}

/** Deletes a group. */
export async function deleteGroup(db: Queryable, uuid: string): Promise<boolean> {
  return (await db.query('DELETE FROM groups WHERE uuid = $1 RETURNING uuid', [uuid])).length === 1;
}
