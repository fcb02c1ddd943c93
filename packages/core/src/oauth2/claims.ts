import type { AppContext } from '../context.ts';
import { findGroupsByUuids, groupUuidsOfUsers } from '../identity/groups-repository.ts';
import type { User } from '../identity/users-repository.ts';
import { userUid } from '../routes/api/presenters.ts';

/** The scopes the server knows and the claims each one releases. */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'preferred_username', 'nickname', 'groups'],
  email: ['email', 'email_verified'],
} as const;

/** The `sub` of a user for a provider, by its sub mode (default: the hashed user id, as in the reference). */
export function subjectFor(ctx: AppContext, user: User, subMode: string): string {
  switch (subMode) {
    case 'user_id':
      return String(user.id);
    case 'user_uuid':
      return user.uuid;
    case 'user_username':
      return user.username;
    case 'user_email':
      return user.email || user.username;
    default:
      return userUid(ctx, user.id);
  }
}

/** Every claim a user can release; the server filters them by the granted scopes. */
export async function userClaims(ctx: AppContext, user: User, sub: string): Promise<Record<string, unknown>> {
  const uuids = (await groupUuidsOfUsers(ctx.db, [user.id])).get(user.id) ?? [];
  const groups = (await findGroupsByUuids(ctx.db, uuids)).map((g) => g.name).sort();
  return {
    sub,
    name: user.name || user.username,
    given_name: user.name || user.username,
    preferred_username: user.username,
    nickname: user.username,
    groups,
    email: user.email,
    // Palisade does not verify addresses; saying so lets relying parties decide.
    email_verified: false,
  };
}
