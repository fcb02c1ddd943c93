import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { readSessionCookie, sessionPrincipal } from '../../http/authenticate.ts';
import { readCookie, setCookie } from '../../http/cookies.ts';
import { delegatedClient } from '../../http/delegated-client.ts';
import { publicOrigin } from '../../http/origin.ts';
import { randomSecret } from '../../identity/secret-box.ts';
import type { FlowRecord } from '../../flows/flows-repository.ts';
import type { FlowRequest } from '../../flows/engine/executor.ts';
import { endBrowserSession, startSession } from './form.ts';

/** The cookie naming the client's current flow attempt (its server-side flow session). */
export const FLOW_COOKIE = 'palisade_flow';

/** A flow cookie value as issued (base64url of 32 random bytes); anything else is replaced. */
const FLOW_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * The attempt key of one thing a flow runs for (an OAuth2 interaction) in this browser: two tabs
 * authorizing two applications on the same flow each get their own attempt, so an answer given in one can
 * never complete the other. Only the browser holding the cookie can name it.
 */
function scopedKey(cookieKey: string, attempt: string): string {
  return createHash('sha256').update(`${cookieKey}\0${attempt}`).digest('base64url');
}

/**
 * The engine's view of one HTTP request, shared by both renderings (the executor's JSON and the HTML
 * pages): the end client (with an outpost's delegated address), the signed-in user, the attempt's key from
 * the flow cookie (a new one when absent), and the login-session side effects as cookies on `reply`.
 * `outpostCookie` also sets `authentik_session` at login, which the executor does for the outposts;
 * `attempt` keeps this attempt apart from the browser's others (scopedKey).
 */
export async function flowRequest(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  flow: FlowRecord,
  query: URLSearchParams,
  options: { outpostCookie: boolean; attempt?: string },
): Promise<FlowRequest> {
  const client = await delegatedClient(ctx, request);
  const cookie = readSessionCookie(request);
  const principal = cookie ? await sessionPrincipal(ctx, cookie) : undefined;
  const sent = readCookie(request, FLOW_COOKIE);
  const key = sent && FLOW_KEY.test(sent) ? sent : randomSecret(32);
  if (key !== sent) setCookie(request, reply, FLOW_COOKIE, key);
  const attemptKey = (cookieKey: string) =>
    options.attempt === undefined ? cookieKey : scopedKey(cookieKey, options.attempt);
  return {
    ctx,
    flow,
    query,
    key: attemptKey(key),
    log: request.log,
    rotateKey() {
      const fresh = randomSecret(32);
      setCookie(request, reply, FLOW_COOKIE, fresh);
      return attemptKey(fresh);
    },
    client: {
      address: client.address,
      outpostUserId: client.outpostUserId,
      userAgent: String(request.headers['user-agent'] ?? '').slice(0, 512),
      signedInUser: principal?.via === 'session' ? principal.user : undefined,
      origin: publicOrigin(ctx, request),
    },
    session: {
      startSession: (user, { maxAgeSeconds }) =>
        startSession(ctx, request, reply, user, {
          maxAgeSeconds,
          clientAddress: client.address,
          outpostCookie: options.outpostCookie,
        }),
      endSession: () => endBrowserSession(ctx, request, reply),
    },
  };
}
