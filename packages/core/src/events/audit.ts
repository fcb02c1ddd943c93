/**
 * The core's own audit events (issue 19, point 7), with the reference's action names (`login`,
 * `login_failed`, …), the client address, the user, and a context that never holds a secret. Recording is
 * best effort: a failed write is logged and never fails the sign-in that caused it.
 */
import type { AppContext } from '../context.ts';
import type { User } from '../identity/users-repository.ts';
import { insertEvent } from './events-repository.ts';

/** The app the reference files the events of its signal handlers under. */
const EVENTS_APP = 'authentik.events.signals';

/** Context keys whose values are never recorded, whatever the caller passes (matched anywhere in a key). */
const SECRET_KEY = /password|secret|token|key|cookie|authorization|code|otp/i;

/** The context with every value under a secret-looking key replaced, nested objects included. */
export function scrubContext(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubContext);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '********' : scrubContext(v)]),
  );
}

/** What the events list shows of a user: pk, username, email (the reference's `get_user` shape). */
function eventUser(user: Pick<User, 'id' | 'username' | 'email'> | undefined): Record<string, unknown> {
  return user ? { pk: user.id, username: user.username, email: user.email } : {};
}

/** When each core last removed its expired events; at most once an hour per process. */
const lastPurge = new WeakMap<AppContext, number>();
const PURGE_EVERY_MS = 3_600_000;

/** Removes events past their `expires` (retention), when this process has not done so for an hour. */
async function purgeExpired(ctx: AppContext): Promise<void> {
  const now = Date.now();
  if (now - (lastPurge.get(ctx) ?? 0) < PURGE_EVERY_MS) return;
  lastPurge.set(ctx, now);
  await ctx.db.query('DELETE FROM events WHERE expires < now()');
}

/** Records one event (and removes expired ones now and then); answers nothing and throws nothing. */
export async function recordEvent(
  ctx: AppContext,
  log: { info(fields: Record<string, unknown>, message: string): void },
  event: {
    action: string;
    clientIp: string;
    user?: Pick<User, 'id' | 'username' | 'email'>;
    context?: Record<string, unknown>;
  },
): Promise<void> {
  try {
    await insertEvent(ctx.db, {
      action: event.action,
      app: EVENTS_APP,
      clientIp: event.clientIp || null,
      user: eventUser(event.user),
      context: scrubContext(event.context ?? {}) as Record<string, unknown>,
      expires: new Date(Date.now() + ctx.config.events.retention_days * 86_400_000),
    });
    await purgeExpired(ctx);
  } catch (error) {
    log.info({ action: event.action, err: (error as Error).message }, 'could not record the event');
  }
}
