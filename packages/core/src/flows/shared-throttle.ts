import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/database.ts';
import { notify } from '../db/database.ts';
import type { LoginThrottle } from './login-throttle.ts';

/** The channel on which core replicas tell each other about failed and successful sign-ins. */
export const THROTTLE_CHANNEL = 'palisade_login_throttle';

const ThrottleEvent = Type.Object({
  /** The replica that saw it (each ignores its own). */
  origin: Type.String({ maxLength: 64 }),
  outcome: Type.Union([Type.Literal('failure'), Type.Literal('success')]),
  username: Type.String({ maxLength: 512 }),
  address: Type.String({ maxLength: 128 }),
});
type ThrottleEvent = Static<typeof ThrottleEvent>;

/** A login throttle whose counts every replica on the same PostgreSQL shares. */
export interface SharedLoginThrottle extends LoginThrottle {
  /** Starts hearing the other replicas; resolves to a function that stops. */
  listen(): Promise<() => Promise<void>>;
}

/**
 * Shares a process's login throttle with the other core replicas on one PostgreSQL: each failure and success
 * is applied here at once (the decision stays synchronous and local) and published over LISTEN/NOTIFY, and
 * each replica applies what the others publish to its own counts. An attacker spreading guesses over the
 * replicas behind a load balancer therefore meets one limit, give or take the guesses made within the few
 * milliseconds a notification takes. Payloads hold the username and client address as the throttle keys them,
 * never a password. A replica that starts later begins with empty counts, as a restarted one always did.
 */
export function shareLoginThrottle(local: LoginThrottle, db: Database): SharedLoginThrottle {
  const origin = randomUUID();
  const publish = (outcome: ThrottleEvent['outcome'], username: string, address: string) => {
    const event: ThrottleEvent = { origin, outcome, username, address };
    // Best effort: a database that is away loses the broadcast, never the local count.
    void notify(db, THROTTLE_CHANNEL, JSON.stringify(event)).catch(() => {});
  };
  return {
    check: (username, address) => local.check(username, address),
    recordFailure(username, address) {
      local.recordFailure(username, address);
      publish('failure', username, address);
    },
    recordSuccess(username, address) {
      local.recordSuccess(username, address);
      publish('success', username, address);
    },
    listen: () =>
      db.listen(THROTTLE_CHANNEL, (payload) => {
        let event: unknown;
        try {
          event = JSON.parse(payload);
        } catch {
          return;
        }
        if (!Value.Check(ThrottleEvent, event) || event.origin === origin) return;
        if (event.outcome === 'failure') local.recordFailure(event.username, event.address);
        else local.recordSuccess(event.username, event.address);
      }),
  };
}

/** Listens to the other replicas' sign-ins while the app runs, when the context's throttle is shared. */
export function installThrottleSharing(app: FastifyInstance, ctx: AppContext): void {
  const throttle = ctx.throttle as Partial<SharedLoginThrottle>;
  if (!throttle.listen) return;
  const listen = throttle.listen;
  let stop: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stop = await listen();
  });
  app.addHook('preClose', async () => {
    await stop?.();
  });
}
