import { ADMIN_USERNAME } from '../bootstrap.ts';
import type { AppContext } from '../context.ts';
import { queryOne } from '../db/database.ts';
import { hashPassword } from '../identity/passwords.ts';
import { findUserById, type User } from '../identity/users-repository.ts';

/** Shortest administrator password the setup page accepts. */
export const MIN_ADMIN_PASSWORD_LENGTH = 8;

/**
 * Sets akadmin's email and password if, and only if, akadmin still has no usable password. The condition
 * is part of the UPDATE, so of two submissions racing each other exactly one wins; the loser gets undefined.
 */
export async function completeInitialSetup(
  ctx: AppContext,
  input: { email: string; password: string },
): Promise<User | undefined> {
  const hash = await hashPassword(input.password);
  const row = await queryOne<{ id: number }>(
    ctx.db,
    `UPDATE users SET password = $2, email = $3, password_change_date = now(), last_updated = now()
     WHERE username = $1 AND password IS NULL RETURNING id`,
    [ADMIN_USERNAME, hash, input.email],
  );
  return row ? findUserById(ctx.db, row.id) : undefined;
}
