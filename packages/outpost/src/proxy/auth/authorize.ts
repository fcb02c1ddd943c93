/**
 * The one decision every proxy protocol shares (CONVENTIONS point 10): given the canonical original request,
 * its cookies and Authorization header, is it signed in, allowed without sign-in, or not. It knows nothing of
 * HTTP libraries; the adapters in forward-auth/ and proxy-mode.ts turn its answer into responses.
 */
import type { Application } from '../app/application.ts';
import type { RuntimeContext } from '../context.ts';
import { coreSessionKey } from '../session/revocations.ts';
import { newSessionId } from '../session/sealed-session.ts';
import {
  clearedCookies,
  type LoadedSession,
  readSession,
  signedInCookies,
} from '../session/session-store.ts';
import type { SessionClaims } from '../types.ts';
import type { CanonicalUrl } from '../url/canonical.ts';
import { authenticateHeader } from './header-auth.ts';

/** The original request, as the decision sees it. */
export interface AuthRequest {
  url: CanonicalUrl;
  cookies: ReadonlyMap<string, string>;
  authorization?: string;
}

/** The decision. `setCookies` must go out with whatever response follows. */
export type Decision =
  | {
      outcome: 'allow';
      claims: SessionClaims;
      session: LoadedSession;
      setCookies: string[];
      /** Signed in by the Authorization header (which then is not passed upstream). */
      consumedAuthorization: boolean;
    }
  | { outcome: 'allowlisted'; setCookies: string[] }
  | {
      outcome: 'deny';
      /** A usable signed-out session (its id is reused when sign-in starts). */
      session?: LoadedSession;
      setCookies: string[];
      reason: string;
    };

/** Signs the request in if it can (cookie, then Authorization header), else applies skip_path_regex. */
export async function authorize(
  app: Application,
  ctx: RuntimeContext,
  request: AuthRequest,
): Promise<Decision> {
  const read = readSession(app, request.cookies, ctx);
  const setCookies =
    read.problem === 'malformed' || read.problem === 'revoked' ? clearedCookies(app, request.cookies) : [];
  if (read.session?.claims) return allow(read.session.claims, read.session, [], false);

  if (request.authorization) {
    const identity = await authenticateHeader(app, ctx, request.authorization);
    if (
      identity &&
      !(identity.claims.sid && ctx.revocations.isRevoked(coreSessionKey(identity.claims.sid)))
    ) {
      const session = read.session ?? { sid: newSessionId(), created: Math.floor(ctx.now() / 1000) };
      const written = signedInCookies(app, session, identity.claims, request.cookies, ctx.now, {
        keepClaims: identity.isOpaque,
      });
      if (!written)
        app.log.warn(
          { provider: app.config.name, reason: 'session too large for cookies' },
          'header sign-in not kept',
        );
      return allow(identity.claims, session, written ?? setCookies, true);
    }
  }

  if (app.skipPaths.matches(request.url)) return { outcome: 'allowlisted', setCookies };
  return {
    outcome: 'deny',
    session: read.problem === 'revoked' ? undefined : read.session,
    setCookies,
    reason: read.problem ?? 'no session',
  };
}

function allow(
  claims: SessionClaims,
  session: LoadedSession,
  setCookies: string[],
  consumedAuthorization: boolean,
): Decision {
  return { outcome: 'allow', claims, session, setCookies, consumedAuthorization };
}
