import type { FastifyPluginAsync } from 'fastify';
import { isInitialSetupOpen } from '../../bootstrap.ts';
import type { AppContext } from '../../context.ts';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import { currentUser, sendPage } from './form.ts';
import { SIGN_IN_PATH } from './sign-in.ts';
import { SETUP_PATH } from './initial-setup.ts';
import { signOutForm } from './sign-out.ts';

/**
 * `/`: who is signed in, the ways into the web console (the admin interface for superusers, so the page
 * after initial setup leads on to it; the applications for everyone), and a sign-out button; otherwise on to
 * setup or sign-in.
 */
export function homeRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request, reply) => {
      const user = await currentUser(ctx, request);
      if (!user) {
        if (await isInitialSetupOpen(ctx)) return reply.redirect(SETUP_PATH, 302);
        return reply.redirect(`${SIGN_IN_PATH}?next=%2F`, 302);
      }
      return sendPage(
        reply,
        200,
        page(
          'Signed in',
          html`<p>
              Signed in as
              <strong id="username">${user.username}</strong>${user.email ? html` (${user.email})` : ''}.
            </p>
            <nav aria-label="Palisade">
              ${user.isSuperuser ? html`<p><a href="/if/admin/">Open the admin interface</a></p>` : ''}
              <p><a href="/if/user/">Your applications</a></p>
            </nav>
            ${signOutForm(ctx.csrf.ensureToken(request, reply))}`,
        ),
      );
    });
  };
}
