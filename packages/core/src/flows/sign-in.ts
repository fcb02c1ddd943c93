import type { AppContext } from '../context.ts';
import { hashPassword, verifyDummyPassword, verifyPassword } from '../identity/passwords.ts';
import {
  findUserForLogin,
  recordLogin,
  replacePasswordHash,
  type User,
} from '../identity/users-repository.ts';
import { throttleAddressKey } from './client-address.ts';

/** Longest username-or-email looked up (an email column is 254 characters; usernames are shorter). */
const MAX_IDENTIFIER_LENGTH = 254;

/** Why a sign-in failed: for the log only, never for the page, which shows one message for all of them. */
export type SignInFailure =
  'unknown_user' | 'wrong_password' | 'no_usable_password' | 'inactive' | 'not_interactive';

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid'; detail: SignInFailure; user?: User }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Checks a username-or-email and password, within the attempt limits. Every kind of failure (no such user,
 * wrong password, inactive account, no usable password) is the same `invalid` to the caller's page and costs
 * the same hashing time, so neither the answer nor its timing tells which usernames exist.
 *
 * Attempts are counted under the account's username when the identifier names an account, so guessing by
 * username and by email draws on one budget; otherwise under the identifier as typed. The price, accepted:
 * a lock placed through one of an account's names shows through the other (a 429), which links an email to
 * a username for someone who already knows one of them and is willing to lock the account out.
 */
export async function attemptSignIn(
  ctx: AppContext,
  input: { identifier: string; password: string; address: string },
): Promise<SignInResult> {
  const identifier = input.identifier.trim();
  const address = throttleAddressKey(input.address);
  const found =
    identifier && identifier.length <= MAX_IDENTIFIER_LENGTH
      ? await findUserForLogin(ctx.db, identifier)
      : undefined;
  const key = found?.user.username ?? identifier;
  const decision = ctx.throttle.check(key, address);
  if (!decision.allowed) {
    ctx.metrics.signIn('throttled', 'throttled');
    return { ok: false, reason: 'throttled', retryAfterSeconds: decision.retryAfterSeconds };
  }

  if (!found) {
    await verifyDummyPassword(input.password);
    ctx.throttle.recordFailure(key, address);
    ctx.metrics.signIn('failure', 'unknown_user');
    return { ok: false, reason: 'invalid', detail: 'unknown_user' };
  }
  const { user } = found;
  // verifyPassword spends the same work on an unusable hash or an over-long password as on a real check.
  const check = await verifyPassword(found.passwordHash, input.password);
  const failure: SignInFailure | undefined = !user.hasUsablePassword
    ? 'no_usable_password'
    : !check.ok
      ? 'wrong_password'
      : !user.isActive
        ? 'inactive'
        : user.type === 'service_account' || user.type === 'internal_service_account'
          ? 'not_interactive'
          : undefined;
  if (failure) {
    ctx.throttle.recordFailure(key, address);
    ctx.metrics.signIn('failure', failure);
    return { ok: false, reason: 'invalid', detail: failure, user };
  }
  if (check.needsRehash) await replacePasswordHash(ctx.db, user.id, await hashPassword(input.password));
  ctx.throttle.recordSuccess(key, address);
  await recordLogin(ctx.db, user.id);
  ctx.metrics.signIn('success', '');
  return { ok: true, user };
}
