import type { StageRun } from '../../flows/engine/stage.ts';

/**
 * Failed second factors count toward the login throttle (flows/login-throttle.ts) like failed passwords:
 * per end-client address, and per account under a key of its own. A successful password clears the
 * account's password failures; if it cleared the second-factor ones too, someone who knows the password
 * could guess codes forever by signing in again between guesses. The account's second-factor count is
 * cleared only by a successful second factor.
 */
const SECOND_FACTOR_KEY = 'mfa:';

// Passkeys as a first factor fail before any account is known: those count per address only.
function key(username: string): string {
  return `${SECOND_FACTOR_KEY}${username}`;
}

/** Seconds until `username` may try a second factor again from this client; 0 when they may now. */
export function secondFactorWait(run: StageRun<object>, username: string): number {
  const decision = run.ctx.throttle.check(key(username), run.client.address);
  return decision.allowed ? 0 : decision.retryAfterSeconds;
}

/** Counts a failed second factor of `username` from this client. */
export function recordSecondFactorFailure(run: StageRun<object>, username: string): void {
  run.ctx.throttle.recordFailure(key(username), run.client.address);
}

/** Clears the second-factor failures of `username` after one succeeded. */
export function recordSecondFactorSuccess(run: StageRun<object>, username: string): void {
  run.ctx.throttle.recordSuccess(key(username), run.client.address);
}
