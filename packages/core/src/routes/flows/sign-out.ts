import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { currentChallenge, solveChallenge } from '../../flows/engine/executor.ts';
import { findFlowBySlug } from '../../flows/flows-repository.ts';
import { type Html, html } from '../../flows/html.ts';
import { errorBox, page } from '../../flows/page.ts';
import { CSRF_FIELD, currentUser, endBrowserSession, formCsrfValid, sendPage } from './form.ts';
import { flowRequest } from './flow-http.ts';
import { sendFlowStep } from './flow-page.ts';
import { SIGN_IN_PATH } from './sign-in.ts';

const INVALIDATION_FLOW = 'default-invalidation-flow';
export const SIGN_OUT_PATH = `/if/flow/${INVALIDATION_FLOW}/`;

/** The sign-out button: a CSRF-protected POST form. */
export function signOutForm(csrf: string): Html {
  return html`<form method="post" action="${SIGN_OUT_PATH}">
    <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
    <button type="submit">Sign out</button>
  </form>`;
}

function confirmPage(username: string | undefined, csrf: string, error?: string): string {
  return page(
    'Sign out',
    html`${errorBox(error)}
      <p>${username ? html`Sign out <strong>${username}</strong>?` : 'Sign out?'}</p>
      ${signOutForm(csrf)}`,
  );
}

/**
 * The invalidation flow's page: a confirmation (so a link or an image cannot sign anyone out), then a POST
 * that runs the flow on the flow engine: its user_logout stage ends the session on the server (and every
 * token issued under it) and clears the cookie, and the browser goes to the sign-in page. A POST without a
 * valid CSRF token ends nothing: it answers 403 with the confirmation form again.
 */
export function signOutRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get(SIGN_OUT_PATH, async (request, reply) => {
      const user = await currentUser(ctx, request);
      if (!user) return reply.redirect(SIGN_IN_PATH, 303);
      return sendPage(reply, 200, confirmPage(user.username, ctx.csrf.ensureToken(request, reply)));
    });

    app.post(SIGN_OUT_PATH, async (request, reply) => {
      // Without a valid token a third-party page could sign users out at will: ask again instead.
      if (!formCsrfValid(ctx, request)) {
        request.log.info({ reason: 'csrf' }, 'sign-out form rejected');
        const user = await currentUser(ctx, request);
        const csrf = ctx.csrf.ensureToken(request, reply);
        return sendPage(
          reply,
          403,
          confirmPage(user?.username, csrf, 'Your session expired. Please try again.'),
        );
      }
      const flow = await findFlowBySlug(ctx.db, INVALIDATION_FLOW);
      if (!flow) {
        // The admin deleted the flow: a user who asked to sign out is still signed out.
        await endBrowserSession(ctx, request, reply);
        return reply.redirect(SIGN_IN_PATH, 303);
      }
      const run = await flowRequest(ctx, request, reply, flow, new URLSearchParams({ next: SIGN_IN_PATH }), {
        outpostCookie: false,
      });
      // The confirmation was the answer: the flow runs its stages now (its user_logout stage ends the session
      // and records the logout); a stage that asks something is shown, posting back here.
      const shown = await currentChallenge(run);
      const view = shown.stageKind?.html;
      const fields = (request.body ?? {}) as Record<string, string>;
      const answered = Object.keys(fields).some((name) => name !== CSRF_FIELD);
      const step =
        shown.ended || !view || !answered ? shown : await solveChallenge(run, view.response(fields));
      if (step.challenge.component === 'xak-flow-redirect') return reply.redirect(SIGN_IN_PATH, 303);
      return sendFlowStep(ctx, request, reply, step, { action: SIGN_OUT_PATH, title: flow.title });
    });
  };
}
