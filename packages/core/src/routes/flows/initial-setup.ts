import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isInitialSetupOpen } from '../../bootstrap.ts';
import type { AppContext } from '../../context.ts';
import { html } from '../../flows/html.ts';
import { completeInitialSetup, MIN_ADMIN_PASSWORD_LENGTH } from '../../flows/initial-setup.ts';
import { errorBox, page } from '../../flows/page.ts';
import { publicOrigin } from '../../http/origin.ts';
import { recordEvent } from '../../events/audit.ts';
import { MAX_PASSWORD_LENGTH } from '../../identity/passwords.ts';
import { recordLogin } from '../../identity/users-repository.ts';
import { fillEmbeddedOutpostHost } from '../../outposts/browser-url.ts';
import { CSRF_FIELD, field, formCsrfValid, sendPage, startSession } from './form.ts';
import { SIGN_IN_PATH } from './sign-in.ts';

export const SETUP_PATH = '/if/flow/initial-setup/';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function setupForm(csrf: string, options: { error?: string; email?: string } = {}): string {
  return page(
    'Welcome to Palisade',
    html`<p class="note">Set the email and password of the administrator, <strong>akadmin</strong>.</p>
      ${errorBox(options.error)}
      <form method="post" action="${SETUP_PATH}">
        <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          required
          value="${options.email ?? ''}"
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength="${MIN_ADMIN_PASSWORD_LENGTH}"
          required
        />
        <label for="password_repeat">Password (repeat)</label>
        <input
          id="password_repeat"
          name="password_repeat"
          type="password"
          autocomplete="new-password"
          required
        />
        <button type="submit">Continue</button>
      </form>`,
  );
}

const SETUP_DONE = page(
  'Setup is complete',
  html`<p>The administrator account is already set up.</p>
    <p><a href="${SIGN_IN_PATH}">Sign in</a></p>`,
);

/**
 * The initial-setup flow: open only while akadmin has no usable password. Once closed, GET shows a 200 page
 * saying so with a link to sign in, and POST answers that page with 403 Forbidden (not 409: the submission
 * does not conflict with a state the client could fix, it is simply no longer allowed). Two racing
 * submissions are settled by the conditional UPDATE in flows/initial-setup.ts: the loser gets the 403 too.
 * A completed setup gives the embedded outpost the URL it was reached at, unless it already has a better one.
 */
export function initialSetupRoutes(ctx: AppContext): FastifyPluginAsync {
  const render = (request: FastifyRequest, reply: FastifyReply, status: number, options = {}) =>
    sendPage(reply, status, setupForm(ctx.csrf.ensureToken(request, reply), options));

  return async (app) => {
    app.get(SETUP_PATH, async (request, reply) => {
      if (!(await isInitialSetupOpen(ctx))) return sendPage(reply, 200, SETUP_DONE);
      return render(request, reply, 200);
    });

    app.post(SETUP_PATH, async (request, reply) => {
      if (!(await isInitialSetupOpen(ctx))) return sendPage(reply, 403, SETUP_DONE);
      if (!formCsrfValid(ctx, request)) {
        return render(request, reply, 403, { error: 'Your session expired. Please try again.' });
      }
      const email = field(request, 'email').trim();
      const password = field(request, 'password');
      const problem =
        !EMAIL.test(email) || email.length > 254
          ? 'Enter a valid email address.'
          : password.length < MIN_ADMIN_PASSWORD_LENGTH
            ? `The password must have at least ${MIN_ADMIN_PASSWORD_LENGTH} characters.`
            : password.length > MAX_PASSWORD_LENGTH
              ? 'The password is too long.'
              : password !== field(request, 'password_repeat')
                ? 'The passwords do not match.'
                : undefined;
      if (problem) return render(request, reply, 400, { error: problem, email });
      const admin = await completeInitialSetup(ctx, { email, password });
      // Someone else completed setup between the check above and this update.
      if (!admin) return sendPage(reply, 403, SETUP_DONE);
      request.log.info({ user: admin.username }, 'initial setup completed');
      // The URL the administrator used is the best guess at where browsers reach the core (issue 19).
      // A Host that names no origin (publicOrigin refuses it) leaves the outpost as it was.
      const origin = (() => {
        try {
          return publicOrigin(ctx, request);
        } catch {
          return undefined;
        }
      })();
      if (origin) await fillEmbeddedOutpostHost(ctx.db, origin, request.log, 'initial setup');
      await startSession(ctx, request, reply, admin);
      // Setup signs akadmin in: as every sign-in, it sets last_login and records a `login` event.
      await recordLogin(ctx.db, admin.id);
      await recordEvent(ctx, request.log, {
        action: 'login',
        clientIp: request.ip,
        user: admin,
        context: { auth_method: 'password', flow: 'initial-setup' },
      });
      return reply.redirect('/', 303);
    });
  };
}
