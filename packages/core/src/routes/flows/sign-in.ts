import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { type Html, html } from '../../flows/html.ts';
import { errorBox, page } from '../../flows/page.ts';
import { safeNextPath } from '../../flows/safe-next.ts';
import { attemptSignIn } from '../../flows/sign-in.ts';
import { CSRF_FIELD, currentUser, field, formCsrfValid, sendPage, startSession } from './form.ts';

export const SIGN_IN_PATH = '/if/flow/default-authentication-flow/';

/** The one message for every failed sign-in: it never tells whether the username exists. */
export const SIGN_IN_FAILED = 'Invalid username or password.';

/** The message while attempts are refused (the wait itself is in the Retry-After header). */
export const SIGN_IN_THROTTLED = `${SIGN_IN_FAILED} Too many attempts: try again later.`;

type Query = { Querystring: { next?: unknown } };

function signInPage(csrf: string, next: string, options: { error?: string; username?: string } = {}): string {
  const action = `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
  const body: Html = html`${errorBox(options.error)}
    <form method="post" action="${action}">
      <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
      <label for="uid_field">Username or email</label>
      <input
        id="uid_field"
        name="uid_field"
        autocomplete="username"
        autofocus
        required
        value="${options.username ?? ''}"
      />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit">Sign in</button>
    </form>`;
  return page('Sign in', body);
}

/**
 * The default authentication flow: username or email plus password. A failed attempt re-renders the form
 * (200) with the one generic message; a refused attempt (too many failures for the username or the client
 * address) answers 429 with Retry-After. Success goes to `next` when it is a path on this origin, else `/`.
 */
export function signInRoutes(ctx: AppContext): FastifyPluginAsync {
  const render = (request: FastifyRequest, reply: FastifyReply, status: number, next: string, options = {}) =>
    sendPage(reply, status, signInPage(ctx.csrf.ensureToken(request, reply), next, options));

  return async (app) => {
    app.get<Query>(SIGN_IN_PATH, async (request, reply) => {
      const next = safeNextPath(request.query.next);
      if (await currentUser(ctx, request)) return reply.redirect(next, 303);
      return render(request, reply, 200, next);
    });

    app.post<Query>(SIGN_IN_PATH, async (request, reply) => {
      const next = safeNextPath(request.query.next ?? field(request, 'next'));
      if (!formCsrfValid(ctx, request)) {
        request.log.info({ reason: 'csrf' }, 'sign-in form rejected');
        return render(request, reply, 403, next, { error: 'Your session expired. Please try again.' });
      }
      const username = field(request, 'uid_field');
      const result = await attemptSignIn(ctx, {
        identifier: username,
        password: field(request, 'password'),
        address: request.ip,
      });
      if (!result.ok) {
        if (result.reason === 'throttled') {
          request.log.info({ reason: 'throttled', retryAfter: result.retryAfterSeconds }, 'sign-in refused');
          reply.header('retry-after', String(result.retryAfterSeconds));
          return render(request, reply, 429, next, { error: SIGN_IN_THROTTLED, username });
        }
        request.log.info({ reason: result.detail, user: result.user?.username }, 'sign-in failed');
        return render(request, reply, 200, next, { error: SIGN_IN_FAILED, username });
      }
      await startSession(ctx, request, reply, result.user);
      return reply.redirect(next, 303);
    });
  };
}
