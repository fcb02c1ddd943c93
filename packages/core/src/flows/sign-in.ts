import type { AppContext } from '../context.ts';
import {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  verifyDummyPassword,
  verifyPassword,
} from '../identity/passwords.ts';
import {
  findUserForLogin,
  recordLogin,
  replacePasswordHash,
  type User,
} from '../identity/users-repository.ts';

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Checks a username-or-email and password, within the attempt limits. Every kind of failure (no such user,
 * wrong password, inactive account, no usable password) is the same `invalid` to the caller and costs the
 * same hashing time, so neither the answer nor its timing tells which usernames exist.
 */
export async function attemptSignIn(
  ctx: AppContext,
  input: { identifier: string; password: string; address: string },
): Promise<SignInResult> {
  const identifier = input.identifier.trim();
  const decision = ctx.throttle.check(identifier, input.address);
  if (!decision.allowed)
    return { ok: false, reason: 'throttled', retryAfterSeconds: decision.retryAfterSeconds };
  const found =
    identifier && identifier.length <= 254 ? await findUserForLogin(ctx.db, identifier) : undefined;
  let ok = false;
  if (found && input.password.length <= MAX_PASSWORD_LENGTH) {
    const check = await verifyPassword(found.passwordHash, input.password);
    ok = check.ok && found.user.isActive && found.user.type !== 'service_account';
    if (ok && check.needsRehash)
      await replacePasswordHash(ctx.db, found.user.id, await hashPassword(input.password));
  } else {
    await verifyDummyPassword(input.password);
  }
  if (!found || !ok) {
    ctx.throttle.recordFailure(identifier, input.address);
    return { ok: false, reason: 'invalid' };
  }
  ctx.throttle.recordSuccess(identifier, input.address);
  await recordLogin(ctx.db, found.user.id);
  return { ok: true, user: found.user };
}
