import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { FLOW_CSS } from '../../flows/page.ts';
import { installFormParser } from './form.ts';
import { homeRoutes } from './home.ts';
import { initialSetupRoutes } from './initial-setup.ts';
import { signInRoutes } from './sign-in.ts';
import { signOutRoutes } from './sign-out.ts';

/**
 * Headers on every flow page: no framing (clickjacking), no inline code, no caching of personal pages. No
 * `form-action`: browsers apply it to the redirects after a submission, and signing in must be able to end at
 * an application's OAuth2 redirect URI on another origin.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** The flows as server-rendered pages: initial setup, sign-in, sign-out, and the signed-in landing page. */
export function flowRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    installFormParser(app);
    app.addHook('onSend', async (_request, reply) => {
      reply.headers(PAGE_HEADERS);
    });
    app.get('/static/flow.css', async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(FLOW_CSS),
    );
    await app.register(homeRoutes(ctx));
    await app.register(initialSetupRoutes(ctx));
    await app.register(signInRoutes(ctx));
    await app.register(signOutRoutes(ctx));
  };
}
