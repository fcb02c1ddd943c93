import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { FLOW_CSS, FLOW_ICON_SVG } from '../../flows/page.ts';
import { installFlowErrorPages } from './error-pages.ts';
import { installFormParser } from './form.ts';
import { homeRoutes } from './home.ts';
import { initialSetupRoutes } from './initial-setup.ts';
import { signInRoutes } from './sign-in.ts';
import { signOutRoutes } from './sign-out.ts';
import { flowPageRoutes } from './flow-pages.ts';
import { racLaunchRoutes } from './rac-launch.ts';

/**
 * Headers on every flow response: no framing (clickjacking), no inline code, and (added in the hook below)
 * no caching of personal pages. No `form-action`: browsers apply it to the redirects after a submission,
 * and signing in must be able to end at an application's OAuth2 redirect URI on another origin.
 */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * The flows as server-rendered pages: initial setup, sign-in, sign-out, and the signed-in landing page. The
 * scope accepts form bodies only and answers its errors as pages (error-pages.ts).
 */
export function flowRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    installFormParser(app);
    installFlowErrorPages(app);
    app.addHook('onSend', async (_request, reply) => {
      reply.headers(PAGE_HEADERS);
      // Pages are personal (CSRF token, who is signed in); only the static files below say otherwise.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });
    app.get('/static/flow.css', async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(FLOW_CSS),
    );
    app.get('/static/favicon.svg', async (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FLOW_ICON_SVG),
    );
    await app.register(homeRoutes(ctx));
    await app.register(initialSetupRoutes(ctx));
    await app.register(signInRoutes(ctx));
    await app.register(signOutRoutes(ctx));
    await app.register(flowPageRoutes(ctx));
    await app.register(racLaunchRoutes(ctx));
  };
}
