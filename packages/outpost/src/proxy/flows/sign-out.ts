/**
 * `/outpost.goauthentik.io/sign_out` (or `?X-authentik-logout=true`, spec §3.4): the outpost session is revoked
 * on this replica at once and its cookies cleared, then the browser goes to the core's end-session endpoint,
 * which runs the provider's invalidation flow: as seeded it ends the core session and tells every replica
 * (SESSION_END); that URL names the client, never a token. The core session is not revoked here: the
 * invalidation flow may keep it, and a sign-in under a live core session must not be refused (that loops).
 */
import type { Application } from '../app/application.ts';
import type { RuntimeContext } from '../context.ts';
import { type Reply, redirectReply } from '../http/reply.ts';
import { outpostSessionKey } from '../session/revocations.ts';
import { clearedCookies, readSession } from '../session/session-store.ts';
import type { CanonicalUrl } from '../url/canonical.ts';
import { redirectToStart } from './redirect-to-start.ts';

/** Signs the browser out, or sends it to sign in when it has no session. */
export function handleSignOut(
  app: Application,
  ctx: RuntimeContext,
  request: { url: CanonicalUrl; cookies: ReadonlyMap<string, string>; hasAuthorization: boolean },
): Reply {
  const read = readSession(app, request.cookies, ctx);
  const claims = read.session?.claims;
  if (!read.session || !claims) {
    const setCookies = read.problem ? clearedCookies(app, request.cookies) : [];
    return redirectToStart(app, request, setCookies);
  }
  ctx.revocations.revoke(outpostSessionKey(read.session.sid));
  ctx.options.log.info({ provider: app.config.name, sub: claims.sub }, 'signed out');
  // RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2) names the client by client_id. The session
  // holds the access token, which is no ID token: sent as id_token_hint it sat in a browser-visible URL, in
  // history and in request logs (issue 13, finding 4).
  const endSession = new URL(app.endpoints.endSession);
  endSession.searchParams.set('client_id', app.config.client_id);
  return redirectReply(endSession.href, clearedCookies(app, request.cookies));
}
