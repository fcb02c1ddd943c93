import type { Static } from '@sinclair/typebox';
import type {
  Group as GroupBody,
  PartialUser as PartialUserBody,
  Token as TokenBody,
  User as UserBody,
} from '@palisade/schema';
import type { AppContext } from '../../context.ts';
import { findGroupsByUuids, type Group, groupUuidsOfUsers } from '../../identity/groups-repository.ts';
import type { Token } from '../../identity/tokens-repository.ts';
import { findUserById, type User } from '../../identity/users-repository.ts';
import type { Queryable } from '../../db/database.ts';
import { userUid as uidOf } from '../../identity/user-uid.ts';

/** A user's stable public id (see identity/user-uid.ts). */
export function userUid(ctx: AppContext, userId: number): string {
  return uidOf(ctx.installId, userId);
}

/** A user's avatar: an SVG with their initials, as a data URI (no third-party avatar service is contacted). */
export function userAvatar(user: Pick<User, 'name' | 'username'>): string {
  const source = user.name.trim() || user.username;
  const initials = source
    .split(/\s+/)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('')
    .replace(/[^\p{L}\p{N}]/gu, '');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#4a5568"/><text x="50%" y="50%" dy=".35em" fill="#fff" font-family="sans-serif" font-size="26" text-anchor="middle">${initials || '?'}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** A user in the contract's PartialUser shape (embedded in groups, bindings, devices). */
export function presentPartialUser(ctx: AppContext, user: User): Static<typeof PartialUserBody> {
  return {
    pk: user.id,
    username: user.username,
    name: user.name,
    is_active: user.isActive,
    last_login: user.lastLogin?.toISOString() ?? null,
    email: user.email,
    attributes: user.attributes,
    uid: userUid(ctx, user.id),
  };
}

/** Presents users in the contract's User shape, loading all their groups in two queries. */
export async function presentUsers(
  ctx: AppContext,
  db: Queryable,
  users: User[],
): Promise<Static<typeof UserBody>[]> {
  const memberships = await groupUuidsOfUsers(
    db,
    users.map((u) => u.id),
  );
  const groups = new Map(
    (await findGroupsByUuids(db, [...new Set([...memberships.values()].flat())])).map((g) => [g.uuid, g]),
  );
  return users.map((user) => {
    const uuids = memberships.get(user.id) ?? [];
    return {
      ...presentPartialUser(ctx, user),
      date_joined: user.dateJoined.toISOString(),
      is_superuser: user.isSuperuser,
      groups: uuids,
      groups_obj: uuids.flatMap((uuid) => {
        const g = groups.get(uuid);
        return g
          ? [
              {
                pk: g.uuid,
                num_pk: g.numPk,
                name: g.name,
                is_superuser: g.isSuperuser,
                attributes: g.attributes,
              },
            ]
          : [];
      }),
      roles: [],
      roles_obj: [],
      avatar: userAvatar(user),
      path: user.path,
      type: user.type,
      uuid: user.uuid,
      password_change_date: user.passwordChangeDate.toISOString(),
      last_updated: user.lastUpdated.toISOString(),
    };
  });
}

/** Presents one user in the contract's User shape. */
export async function presentUser(
  ctx: AppContext,
  db: Queryable,
  user: User,
): Promise<Static<typeof UserBody>> {
  const [body] = await presentUsers(ctx, db, [user]);
  if (!body) throw new Error('presentUsers lost a user');
  return body;
}

/** Presents groups in the contract's Group shape; `includeUsers` expands members into users_obj. */
export async function presentGroups(
  ctx: AppContext,
  db: Queryable,
  groups: Group[],
  includeUsers = true,
): Promise<Static<typeof GroupBody>[]> {
  const related = new Map(
    (await findGroupsByUuids(db, [...new Set(groups.flatMap((g) => [...g.parents, ...g.children]))])).map(
      (g) => [g.uuid, g],
    ),
  );
  const relatedObj = (uuids: string[]) =>
    uuids.flatMap((uuid) => {
      const g = related.get(uuid);
      return g
        ? [
            {
              pk: g.uuid,
              name: g.name,
              is_superuser: g.isSuperuser,
              attributes: g.attributes,
              group_uuid: g.uuid,
            },
          ]
        : [];
    });
  const memberIds = includeUsers ? [...new Set(groups.flatMap((g) => g.memberIds))] : [];
  const members = new Map<number, User>();
  for (const id of memberIds) {
    const user = await findUserById(db, id);
    if (user) members.set(id, user);
  }
  return groups.map((group) => ({
    pk: group.uuid,
    num_pk: group.numPk,
    name: group.name,
    is_superuser: group.isSuperuser,
    parents: group.parents,
    parents_obj: relatedObj(group.parents),
    users: group.memberIds,
    users_obj: includeUsers
      ? group.memberIds.flatMap((id) => {
          const u = members.get(id);
          return u ? [presentPartialUser(ctx, u)] : [];
        })
      : null,
    attributes: group.attributes,
    roles: [],
    roles_obj: [],
    inherited_roles_obj: [],
    children: group.children,
    children_obj: relatedObj(group.children),
  }));
}

/** Presents a token in the contract's Token shape (never with its key). */
export async function presentToken(
  ctx: AppContext,
  db: Queryable,
  token: Token,
): Promise<Static<typeof TokenBody>> {
  const owner = await findUserById(db, token.userId);
  if (!owner) throw new Error(`token ${token.identifier} has no owner`);
  return {
    pk: token.uuid,
    managed: token.managed,
    identifier: token.identifier,
    intent: token.intent,
    user: token.userId,
    user_obj: await presentUser(ctx, db, owner),
    description: token.description,
    expires: token.expires?.toISOString() ?? null,
    expiring: token.expiring,
  };
}
