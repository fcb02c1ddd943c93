import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** The kinds of account, as the API names them. */
export const USER_TYPES = ['internal', 'external', 'service_account', 'internal_service_account'] as const;
/** One of USER_TYPES. */
export type UserType = (typeof USER_TYPES)[number];

/** A user as stored, without the password hash (which only the credential checks read). */
export interface User {
  id: number;
  uuid: string;
  username: string;
  name: string;
  email: string;
  isActive: boolean;
  type: UserType;
  path: string;
  attributes: Record<string, unknown>;
  hasUsablePassword: boolean;
  passwordChangeDate: Date;
  lastLogin: Date | null;
  dateJoined: Date;
  lastUpdated: Date;
  /** Superuser through any group it belongs to, or any ancestor of those groups. */
  isSuperuser: boolean;
}

/** Fields a caller may set when creating a user. */
export interface NewUser {
  username: string;
  name?: string;
  email?: string;
  isActive?: boolean;
  type?: UserType;
  path?: string;
  attributes?: Record<string, unknown>;
  passwordHash?: string | null;
  lastLogin?: Date | null;
}

/** Fields a caller may change on a user. */
export type UserChanges = Partial<Omit<NewUser, 'passwordHash'>>;

// Superuser status is inherited from every ancestor of every group the user is in (UNION stops cycles).
const IS_SUPERUSER_SQL = `(WITH RECURSIVE ancestry(uuid) AS (
    SELECT gm.group_uuid FROM group_members gm WHERE gm.user_id = u.id
    UNION SELECT gp.parent_uuid FROM group_parents gp JOIN ancestry a ON gp.group_uuid = a.uuid
  ) SELECT EXISTS (SELECT 1 FROM ancestry JOIN groups g ON g.uuid = ancestry.uuid WHERE g.is_superuser))`;

const USER_COLUMNS = `u.id, u.uuid, u.username, u.name, u.email, u.is_active, u.type, u.path, u.attributes,
  (u.password IS NOT NULL) AS has_usable_password, u.password_change_date, u.last_login, u.date_joined,
  u.last_updated, ${IS_SUPERUSER_SQL} AS is_superuser`;

const USER_LIST_SHAPE: ListShape = {
  orderable: {
    pk: 'u.id',
    username: 'u.username',
    name: 'u.name',
    email: 'u.email',
    is_active: 'u.is_active',
    last_login: 'u.last_login',
    date_joined: 'u.date_joined',
    last_updated: 'u.last_updated',
    path: 'u.path',
    type: 'u.type',
  },
  searchable: ['u.username', 'u.name', 'u.email'],
  defaultOrder: 'u.id ASC',
};

interface UserRow {
  id: number;
  uuid: string;
  username: string;
  name: string;
  email: string;
  is_active: boolean;
  type: UserType;
  path: string;
  attributes: Record<string, unknown>;
  has_usable_password: boolean;
  password_change_date: Date;
  last_login: Date | null;
  date_joined: Date;
  last_updated: Date;
  is_superuser: boolean;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    uuid: row.uuid,
    username: row.username,
    name: row.name,
    email: row.email,
    isActive: row.is_active,
    type: row.type,
    path: row.path,
    attributes: row.attributes,
    hasUsablePassword: row.has_usable_password,
    passwordChangeDate: new Date(row.password_change_date),
    lastLogin: row.last_login ? new Date(row.last_login) : null,
    dateJoined: new Date(row.date_joined),
    lastUpdated: new Date(row.last_updated),
    isSuperuser: row.is_superuser,
  };
}

/** Finds a user by its numeric id. */
export async function findUserById(db: Queryable, id: number): Promise<User | undefined> {
  const row = await queryOne<UserRow>(db, `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  return row && toUser(row);
}

/** Finds a user by its exact username. */
export async function findUserByUsername(db: Queryable, username: string): Promise<User | undefined> {
  const row = await queryOne<UserRow>(db, `SELECT ${USER_COLUMNS} FROM users u WHERE u.username = $1`, [
    username,
  ]);
  return row && toUser(row);
}

/** A user together with its password hash, for the credential check only. */
export interface UserCredentials {
  user: User;
  passwordHash: string | null;
}

/**
 * Finds the account a sign-in identifier names: the exact username, else an email address (case-insensitive)
 * that exactly one account has, so a shared address never signs someone into the wrong account.
 */
export async function findUserForLogin(
  db: Queryable,
  identifier: string,
): Promise<UserCredentials | undefined> {
  const byName = await db.query<UserRow & { password: string | null }>(
    `SELECT ${USER_COLUMNS}, u.password FROM users u WHERE u.username = $1`,
    [identifier],
  );
  const rows = byName.length
    ? byName
    : await db.query<UserRow & { password: string | null }>(
        `SELECT ${USER_COLUMNS}, u.password FROM users u WHERE $1 <> '' AND lower(u.email) = lower($1) LIMIT 2`,
        [identifier],
      );
  const row = rows.length === 1 ? rows[0] : undefined;
  return row && { user: toUser(row), passwordHash: row.password };
}

/** Reads a user's password hash (null when unusable). */
export async function findPasswordHash(db: Queryable, userId: number): Promise<string | null | undefined> {
  const row = await queryOne<{ password: string | null }>(db, 'SELECT password FROM users WHERE id = $1', [
    userId,
  ]);
  return row?.password;
}

/** The list filters the API offers on users; each narrows the list when set. */
export interface UserFilters {
  username?: string;
  email?: string;
  name?: string;
  isActive?: boolean;
  isSuperuser?: boolean;
  path?: string;
  pathStartsWith?: string;
  types?: string[];
  uuid?: string;
  /** Member of any of these groups (directly). */
  groupNames?: string[];
  groupUuids?: string[];
  /** Attributes containing this JSON object. */
  attributes?: Record<string, unknown>;
  lastLoginIsNull?: boolean;
}

function userConditions(f: UserFilters): NonNullable<ListOptions['conditions']> {
  const member = (match: string) =>
    `EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.uuid = gm.group_uuid WHERE gm.user_id = u.id AND ${match})`;
  return [
    { sql: 'u.username = $?', value: f.username },
    { sql: 'u.email = $?', value: f.email },
    { sql: 'u.name = $?', value: f.name },
    { sql: 'u.is_active = $?', value: f.isActive },
    { sql: `${IS_SUPERUSER_SQL} = $?`, value: f.isSuperuser },
    { sql: 'u.path = $?', value: f.path },
    { sql: "u.path LIKE $? || '%'", value: f.pathStartsWith?.replace(/[\\%_]/g, (c) => `\\${c}`) },
    { sql: 'u.type = ANY($?)', value: f.types },
    { sql: 'u.uuid = $?::uuid', value: f.uuid },
    { sql: member('g.name = ANY($?)'), value: f.groupNames },
    { sql: member('g.uuid = ANY($?::uuid[])'), value: f.groupUuids },
    { sql: 'u.attributes @> $?::jsonb', value: f.attributes && JSON.stringify(f.attributes) },
    { sql: '(u.last_login IS NULL) = $?', value: f.lastLoginIsNull },
  ];
}

/** Lists users with filters, search, ordering and a page window; returns the page and the total count. */
export async function listUsers(
  db: Queryable,
  options: ListOptions & { filter?: UserFilters },
): Promise<{ users: User[]; count: number }> {
  const { rows, count } = await queryPage<UserRow>(
    db,
    USER_LIST_SHAPE,
    {
      ...options,
      conditions: [...(options.conditions ?? []), ...userConditions(options.filter ?? {})],
    },
    {
      columns: USER_COLUMNS,
      from: 'FROM users u',
    },
  );
  return { users: rows.map(toUser), count };
}

/** Inserts a user; a duplicate username surfaces as the database's unique violation (code 23505). */
export async function insertUser(db: Queryable, user: NewUser): Promise<User> {
  const row = await queryOne<{ id: number }>(
    db,
    `INSERT INTO users (username, name, email, is_active, type, path, attributes, password, last_login)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      user.username,
      user.name ?? '',
      user.email ?? '',
      user.isActive ?? true,
      user.type ?? 'internal',
      user.path ?? 'users',
      JSON.stringify(user.attributes ?? {}),
      user.passwordHash ?? null,
      user.lastLogin ?? null,
    ],
  );
  if (!row) throw new Error('insert returned no row');
  return (await findUserById(db, row.id)) as User;
}

const CHANGE_COLUMNS: Record<keyof UserChanges, string> = {
  username: 'username',
  name: 'name',
  email: 'email',
  isActive: 'is_active',
  type: 'type',
  path: 'path',
  attributes: 'attributes',
  lastLogin: 'last_login',
};

/** Applies changes to a user and returns it, or undefined if it does not exist. */
export async function updateUser(db: Queryable, id: number, changes: UserChanges): Promise<User | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [key, column] of Object.entries(CHANGE_COLUMNS) as [keyof UserChanges, string][]) {
    const value = changes[key];
    if (value === undefined) continue;
    params.push(key === 'attributes' ? JSON.stringify(value) : value);
    sets.push(`${column} = $${params.length}`);
  }
  sets.push('last_updated = now()');
  const row = await queryOne<{ id: number }>(
    db,
    `UPDATE users SET ${sets.join(', ')} WHERE id = $1 RETURNING id`,
    params,
  );
  return row && findUserById(db, row.id);
}

/** Sets (or, with null, makes unusable) a user's password hash. */
export async function updatePasswordHash(db: Queryable, id: number, hash: string | null): Promise<boolean> {
  const rows = await db.query(
    'UPDATE users SET password = $2, password_change_date = now(), last_updated = now() WHERE id = $1 RETURNING id',
    [id, hash],
  );
  return rows.length === 1;
}

/** Replaces a hash after a transparent rehash, without touching password_change_date. */
export async function replacePasswordHash(db: Queryable, id: number, hash: string): Promise<void> {
  await db.query('UPDATE users SET password = $2 WHERE id = $1', [id, hash]);
}

/** Records a successful sign-in. */
export async function recordLogin(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE users SET last_login = now() WHERE id = $1', [id]);
}

/** Deletes a user (its tokens, sessions and memberships go with it). */
export async function deleteUser(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('DELETE FROM users WHERE id = $1 RETURNING id', [id])).length === 1;
}
