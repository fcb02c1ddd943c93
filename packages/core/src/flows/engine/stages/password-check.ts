import { recordEvent } from '../../../events/audit.ts';
import { attemptSignIn } from '../../sign-in.ts';
import { markAuthenticated, RETRY_AFTER } from '../state.ts';
import { fieldError, type ResponseErrors, type StageRun } from '../stage.ts';

/** The one message for a failed password: it never tells whether the account exists. */
export const PASSWORD_FAILED = 'Invalid username or password.';

/** The message while attempts for the account or the client address are refused. */
export const PASSWORD_THROTTLED = `${PASSWORD_FAILED} Too many attempts: try again later.`;

/** The context key that records which user's password this attempt has verified. */
export const PASSWORD_VERIFIED = 'password.verified_user';

/**
 * Checks `identifier` + `password` with the core's sign-in check (timing-safe, throttled per account and
 * per end-client address), and on success makes the user the attempt's pending user. Answers the errors
 * to show under `field` otherwise.
 */
export async function checkPassword(
  run: StageRun<object>,
  identifier: string,
  password: string,
  field: string,
): Promise<{ ok: true } | { ok: false; errors: ResponseErrors; throttled: boolean }> {
  const result = await attemptSignIn(run.ctx, { identifier, password, address: run.client.address });
  const stage = run.stage.name;
  if (!result.ok)
    await recordEvent(run.ctx, run.log, {
      action: 'login_failed',
      clientIp: run.client.address,
      context: { username: identifier, stage, flow: run.flow.slug, reason: result.reason },
    });
  if (result.ok) {
    run.log.info({ stage, user: result.user.username }, 'password accepted');
    markAuthenticated(run.state, result.user.id);
    run.state.context[PASSWORD_VERIFIED] = result.user.id;
    return { ok: true };
  }
  if (result.reason === 'throttled') {
    run.log.info(
      { stage, reason: 'throttled', retryAfter: result.retryAfterSeconds },
      'password check refused',
    );
    run.state.context[RETRY_AFTER] = result.retryAfterSeconds;
    return { ok: false, throttled: true, errors: fieldError(field, PASSWORD_THROTTLED, 'throttled') };
  }
  run.log.info({ stage, reason: result.detail, user: result.user?.username }, 'password check failed');
  return { ok: false, throttled: false, errors: fieldError(field, PASSWORD_FAILED, 'invalid') };
}

/** A string field of an answer, or undefined when absent or not a string. */
export function stringField(response: Record<string, unknown>, name: string): string | undefined {
  const value = response[name];
  return typeof value === 'string' ? value : undefined;
}
