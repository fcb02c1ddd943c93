import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.ts';
import { html } from '../flows/html.ts';
import { page } from '../flows/page.ts';
import { findLiveRacConnectionToken } from '../rac/tokens-repository.ts';
import { currentSession, sendPage } from './flows/form.ts';
import { PAGE_HEADERS } from './flows/index.ts';
import { sendInterface, WEB_DIST_DIR } from './web.ts';

/** A connection token as launches make them (base64url of 32 random bytes). */
export const RAC_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const ENDED = page(
  'Connection ended',
  html`<p id="rac-ended">
      This connection has ended or expired. Open the endpoint again from your applications.
    </p>
    <p><a href="/if/user/">Applications</a></p>`,
);

/**
 * The remote-access page, /if/rac/<token>/: the console build's `rac/index.html` (its script, built in
 * packages/web, opens /ws/rac/<token>/), for the signed-in session whose live token it names; any other
 * token is answered with a page saying the connection ended.
 */
export function racInterfaceRoutes(ctx: AppContext, distDir: string = WEB_DIST_DIR): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { token: string } }>('/if/rac/:token/', async (request, reply) => {
      const signedIn = await currentSession(ctx, request);
      if (!signedIn) return sendInterface(ctx, request, reply, 'rac', { distDir });
      const { token } = request.params;
      const live = RAC_TOKEN.test(token)
        ? await findLiveRacConnectionToken(ctx.db, ctx.box, token, signedIn.session.uuid)
        : undefined;
      if (!live) {
        request.log.info({ user: signedIn.user.username }, 'rac page for an unknown or ended token');
        return sendPage(reply.headers(PAGE_HEADERS).header('cache-control', 'no-store'), 404, ENDED);
      }
      return sendInterface(ctx, request, reply, 'rac', {
        distDir,
        headers: {
          // The terminal (xterm.js) writes its theme into a <style> element: inline styles only, no scripts.
          'content-security-policy':
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
            "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        },
      });
    });
  };
}
