import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Application } from '../../applications/applications-repository.ts';
import type { AppContext } from '../../context.ts';
import type { Session } from '../../identity/sessions-repository.ts';
import type { User } from '../../identity/users-repository.ts';
import { evaluateAccess } from '../../policies/engine.ts';
import { currentSession } from './form.ts';
import { SIGN_IN_PATH } from './sign-in.ts';

/**
 * The first step of every page that runs an application's authorization flow (the OAuth2 interaction, an
 * RAC launch): the browser's signed-in user, when the application's bindings admit them. Otherwise the
 * reply is already on its way: to the sign-in page (coming back here), or `denied`'s page, logged as
 * `what` denied.
 */
export async function admittedUser(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  application: Application,
  denied: { what: string; send: (reply: FastifyReply) => FastifyReply },
): Promise<{ user: User; session: Session } | FastifyReply> {
  const signedIn = await currentSession(ctx, request);
  if (!signedIn) return reply.redirect(`${SIGN_IN_PATH}?next=${encodeURIComponent(request.url)}`, 302);
  const access = await evaluateAccess(
    ctx.db,
    application.uuid,
    application.policyEngineMode,
    signedIn.user.id,
  );
  if (access.passing) return signedIn;
  request.log.info({ user: signedIn.user.username, application: application.slug }, `${denied.what} denied`);
  return denied.send(reply);
}
