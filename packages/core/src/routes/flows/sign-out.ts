import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { SESSION_COOKIE } from '../../http/authenticate.ts';
import { clearCookie, readCookie } from '../../http/cookies.ts';
import { type Html, html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import { endSessionByCookie } from '../../sessions/end-session.ts';
import { CSRF_FIELD, currentUser, formCsrfValid, sendPage } from './form.ts';
import { SIGN_IN_PATH } from './sign-in.ts';

export const SIGN_OUT_PATH = '/if/flow/default-invalidation-flow/';

/** The sign-out button: a CSRF-protected POST form. */
export function signOutForm(csrf: string): Html {
  return html`<form method="post" action="${SIGN_OUT_PATH}">
    <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
    <button type="submit">Sign out</button>
  </form>`;
}

/** The invalidation flow: a confirmation page, and a POST that ends the session on the server. */
export function signOutRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get(SIGN_OUT_PATH, async (request, reply) => {
      const user = await currentUser(ctx, request);
      if (!user) return reply.redirect(SIGN_IN_PATH, 303);
      const csrf = ctx.csrf.ensureToken(request, reply);
      return sendPage(
        reply,
        200,
        page(
          'Sign out',
          html`<p>Sign out ${user.username}?</p>
            ${signOutForm(csrf)}`,
        ),
      );
    });

    app.post(SIGN_OUT_PATH, async (request, reply) => {
      // Without a valid token a third-party page could sign users out at will.
      if (!formCsrfValid(ctx, request)) return reply.redirect(SIGN_OUT_PATH, 303);
      const cookie = readCookie(request, SESSION_COOKIE);
      if (cookie && (await endSessionByCookie(ctx, cookie))) request.log.info('signed out');
      clearCookie(request, reply, SESSION_COOKIE);
      return reply.redirect(SIGN_IN_PATH, 303);
    });
  };
}
