import type { AppContext } from '../context.ts';
import { findGroupsByUuids, groupUuidsOfUsers } from '../identity/groups-repository.ts';
import type { User } from '../identity/users-repository.ts';

/** The scopes the server knows and the claims each one releases. */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'preferred_username', 'nickname', 'groups'],
  email: ['email', 'email_verified'],
  // What proxy outposts read (see the proxy outpost spec, claims structure).
  ak_proxy: ['ak_proxy'],
  entitlements: ['entitlements'],
} as const;

/**
 * The attributes a user carries into the `ak_proxy` claim: those of every group the user is in and of their
 * ancestors (farther ancestors first, so nearer groups override them), then the user's own on top.
 */
export async function mergedAttributes(ctx: AppContext, user: User): Promise<Record<string, unknown>> {
  const rows = await ctx.db.query<{ attributes: Record<string, unknown> }>(
    `WITH RECURSIVE ancestry(uuid, depth) AS (
       SELECT gm.group_uuid, 0 FROM group_members gm WHERE gm.user_id = $1
       UNION SELECT gp.parent_uuid, a.depth + 1 FROM group_parents gp JOIN ancestry a ON gp.group_uuid = a.uuid
       WHERE a.depth < 32
     )
     SELECT g.attributes FROM groups g JOIN (SELECT uuid, max(depth) AS depth FROM ancestry GROUP BY uuid) a
       ON a.uuid = g.uuid ORDER BY a.depth DESC, g.name`,
    [user.id],
  );
  return Object.assign({}, ...rows.map((r) => r.attributes), user.attributes);
}

/**
 * The `sub` of a user. oidc-provider always answers with the account id it signed the user in with, so the
 * subject is the user's pk for every provider (the reference's `user_id` sub mode); a provider's `sub_mode`
 * is stored but not applied yet.
 */
export function subjectOf(user: Pick<User, 'id'>): string {
  return String(user.id);
}

/** Every claim a user can release; the server filters them by the granted scopes. */
export async function userClaims(ctx: AppContext, user: User): Promise<Record<string, unknown>> {
  const uuids = (await groupUuidsOfUsers(ctx.db, [user.id])).get(user.id) ?? [];
  const groups = (await findGroupsByUuids(ctx.db, uuids)).map((g) => g.name).sort();
  return {
    sub: subjectOf(user),
    name: user.name || user.username,
    given_name: user.name || user.username,
    preferred_username: user.username,
    nickname: user.username,
    groups,
    email: user.email,
    // Palisade does not verify addresses; saying so lets relying parties decide.
    email_verified: false,
    ak_proxy: { user_attributes: await mergedAttributes(ctx, user), is_superuser: user.isSuperuser },
    // Application entitlements are not modelled yet: the claim is present and empty.
    entitlements: [],
  };
}
