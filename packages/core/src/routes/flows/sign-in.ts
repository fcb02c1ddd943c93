import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { currentChallenge, solveChallenge } from '../../flows/engine/executor.ts';
import { findFlowBySlug } from '../../flows/flows-repository.ts';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import { safeNextPath } from '../../flows/safe-next.ts';
import { signInApplicationName } from '../../flows/sign-in-application.ts';
import { PASSWORD_FAILED, PASSWORD_THROTTLED } from '../../flows/engine/stages/password-check.ts';
import { flowRequest } from './flow-http.ts';
import { sendFlowStep } from './flow-page.ts';
import { currentUser, formCsrfValid, sendPage } from './form.ts';

/** The default authentication flow's slug, and the page that runs it. */
export const SIGN_IN_FLOW = 'default-authentication-flow';
export const SIGN_IN_PATH = `/if/flow/${SIGN_IN_FLOW}/`;

/** The one message for every failed sign-in: it never tells whether the username exists. */
export const SIGN_IN_FAILED = PASSWORD_FAILED;

/** The message while attempts are refused (the wait itself is in the Retry-After header). */
export const SIGN_IN_THROTTLED = PASSWORD_THROTTLED;

type Query = { Querystring: { next?: unknown } };

const NO_FLOW = page(
  'Sign in',
  html`<p>Signing in is not set up: the authentication flow does not exist.</p>`,
);

/**
 * The default authentication flow as HTML pages: the same engine as the executor, each stage's challenge
 * rendered as a form (identification with the password inline, in the default flow). A failed attempt
 * re-renders the form (200) with the one generic message; a refused attempt (too many failures for the
 * account or the client address) answers 429 with Retry-After; a form without a valid CSRF token is a 403
 * that changes nothing. Success goes to `next` when it is a path on this origin, else `/`.
 */
export function signInRoutes(ctx: AppContext): FastifyPluginAsync {
  async function prepare(request: FastifyRequest<Query>, reply: FastifyReply, next: string) {
    const flow = await findFlowBySlug(ctx.db, SIGN_IN_FLOW);
    if (!flow) return undefined;
    return flowRequest(ctx, request, reply, flow, new URLSearchParams({ next }), { outpostCookie: false });
  }
  /** The page's action and title, naming the application the sign-in is for when there is one. */
  async function shownAs(next: string) {
    const application = await signInApplicationName(ctx, next);
    return {
      action: `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`,
      title: 'Sign in',
      ...(application
        ? {
            lead: html`<p class="note" id="sign-in-application">
              to continue to <strong>${application}</strong>
            </p>`,
          }
        : {}),
    };
  }

  return async (app) => {
    app.get<Query>(SIGN_IN_PATH, async (request, reply) => {
      const next = safeNextPath(request.query.next);
      if (await currentUser(ctx, request)) return reply.redirect(next, 303);
      const run = await prepare(request, reply, next);
      if (!run) return sendPage(reply, 404, NO_FLOW);
      return sendFlowStep(ctx, request, reply, await currentChallenge(run), await shownAs(next));
    });

    app.post<Query>(SIGN_IN_PATH, async (request, reply) => {
      const next = safeNextPath(request.query.next);
      const run = await prepare(request, reply, next);
      if (!run) return sendPage(reply, 404, NO_FLOW);
      const shown = await currentChallenge(run);
      if (!formCsrfValid(ctx, request)) {
        request.log.info({ reason: 'csrf' }, 'sign-in form rejected');
        return sendFlowStep(ctx, request, reply, shown, {
          ...(await shownAs(next)),
          error: 'Your session expired. Please try again.',
          status: 403,
        });
      }
      const view = shown.stageKind?.html;
      if (shown.ended || !view) return sendFlowStep(ctx, request, reply, shown, await shownAs(next));
      const fields = (request.body ?? {}) as Record<string, string>;
      const step = await solveChallenge(run, view.response(fields));
      if (step.challenge.response_errors)
        request.log.info({ component: step.challenge.component }, 'sign-in failed');
      return sendFlowStep(ctx, request, reply, step, await shownAs(next));
    });
  };
}
