import type { AppContext } from '../context.ts';
import { findGroupsByUuids, groupUuidsOfUsers } from '../identity/groups-repository.ts';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { userUid } from '../identity/user-uid.ts';
import type { User } from '../identity/users-repository.ts';

/** The scopes the server knows and the claims each one releases. */
export const SCOPE_CLAIMS = {
  openid: ['sub', 'sid'],
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

/** How a provider names users in `sub` (the contract's SubModeEnum). */
export type SubMode =
  'hashed_user_id' | 'user_id' | 'user_uuid' | 'user_username' | 'user_email' | 'user_upn';

/**
 * The `sub` a provider with `mode` gives a user. A mode whose value the user lacks (no email, say) falls back
 * to the hashed id rather than an empty subject, which OpenID Connect forbids.
 */
export function subjectFor(
  installId: string,
  user: Pick<User, 'id' | 'uuid' | 'username' | 'email' | 'attributes'>,
  mode: string,
): string {
  const hashed = userUid(installId, user.id);
  const upn = user.attributes.upn;
  const value: Record<SubMode, string> = {
    hashed_user_id: hashed,
    user_id: String(user.id),
    user_uuid: user.uuid,
    user_username: user.username,
    user_email: user.email,
    user_upn: typeof upn === 'string' && upn ? upn : user.uuid.replaceAll('-', ''),
  };
  return value[mode as SubMode] || hashed;
}

/**
 * The `sid` of tokens issued under a grant: the SHA-256 of the core login session's key (as the reference's
 * is), which is also what SESSION_END names, so outposts can drop exactly that session.
 */
export async function sessionIdOfGrant(
  db: Queryable,
  grantId: string | undefined,
): Promise<string | undefined> {
  if (!grantId) return undefined;
  const row = await queryOne<{ key_digest: string }>(
    db,
    'SELECT s.key_digest FROM session_grants g JOIN sessions s ON s.uuid = g.session_uuid WHERE g.grant_id = $1',
    [grantId],
  );
  return row?.key_digest;
}

/**
 * The `ak_proxy` claim. The reference sets `backend_override` and `host_header` through custom scope mappings;
 * Palisade takes them from the user's (or their groups') attributes of those names, when they are strings.
 */
function proxyClaim(attributes: Record<string, unknown>, isSuperuser: boolean): Record<string, unknown> {
  const claim: Record<string, unknown> = { user_attributes: attributes, is_superuser: isSuperuser };
  for (const name of ['backend_override', 'host_header']) {
    if (typeof attributes[name] === 'string' && attributes[name]) claim[name] = attributes[name];
  }
  return claim;
}

/** Every claim a user can release; the server filters them by the granted scopes. */
export async function userClaims(ctx: AppContext, user: User): Promise<Record<string, unknown>> {
  const uuids = (await groupUuidsOfUsers(ctx.db, [user.id])).get(user.id) ?? [];
  const groups = (await findGroupsByUuids(ctx.db, uuids)).map((g) => g.name).sort();
  return {
    // The account id: oidc-provider maps it to the provider's subject (pairwiseIdentifier in issuer.ts).
    sub: String(user.id),
    name: user.name || user.username,
    given_name: user.name || user.username,
    preferred_username: user.username,
    nickname: user.username,
    groups,
    email: user.email,
    // Palisade does not verify addresses; saying so lets relying parties decide.
    email_verified: false,
    ak_proxy: proxyClaim(await mergedAttributes(ctx, user), user.isSuperuser),
    // Application entitlements are not modelled yet: the claim is present and empty.
    entitlements: [],
  };
}
