import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { type Html, html } from '../../flows/html.ts';
import { errorBox, page } from '../../flows/page.ts';
import { CSRF_FIELD, currentUser, endBrowserSession, formCsrfValid, sendPage } from './form.ts';
import { SIGN_IN_PATH } from './sign-in.ts';

export const SIGN_OUT_PATH = '/if/flow/default-invalidation-flow/';

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
 * The invalidation flow: a confirmation page, and a POST that ends the session on the server (and every
 * token issued under it), clears the cookie and goes to the sign-in page. A POST without a valid CSRF token
 * ends nothing: it answers 403 with the confirmation form again.
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
      await endBrowserSession(ctx, request, reply);
      return reply.redirect(SIGN_IN_PATH, 303);
    });
  };
}
