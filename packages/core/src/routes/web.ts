import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { readSessionCookie, sessionPrincipal } from '../http/authenticate.ts';
import { SIGN_IN_PATH } from './flows/sign-in.ts';

/** Where `npm run build -w @palisade/web` puts the console (built on `npm ci` by the root `prepare` script). */
export const WEB_DIST_DIR = join(import.meta.dirname, '..', '..', '..', 'web', 'dist');

/**
 * The console's headers: only its own scripts, styles and API (no inline code: the build emits none), no
 * framing. Application icons may live anywhere, so images alone may come from other https origins.
 */
const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; " +
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Asset names as Vite writes them (`name-hash.ext`): nothing that could climb out of the folder. */
const ASSET_NAME = /^[\w-]+(\.[\w-]+)*\.[a-z0-9]+$/;

/** The pages the console build holds, each `<name>/index.html` in the build folder. */
export type Interface = 'admin' | 'user' | 'rac';

/**
 * Answers one interface's index.html for a signed-in visitor (others go to the sign-in flow and come back to
 * the same path; non-superusers asking for the admin interface go to the user one), with the console's
 * headers (`headers` may widen them for one page) and the CSRF cookie its API calls need.
 */
export async function sendInterface(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  which: Interface,
  options: { distDir?: string; headers?: Record<string, string> } = {},
): Promise<FastifyReply> {
  const distDir = options.distDir ?? WEB_DIST_DIR;
  const cookie = readSessionCookie(request);
  const principal = cookie ? await sessionPrincipal(ctx, cookie) : undefined;
  if (!principal) {
    return reply.redirect(`${SIGN_IN_PATH}?next=${encodeURIComponent(request.url)}`, 302);
  }
  if (which === 'admin' && !principal.user.isSuperuser) return reply.redirect('/if/user/', 302);
  const body = await readFile(join(distDir, which, 'index.html')).catch(() => undefined);
  reply.headers({ ...CONSOLE_HEADERS, ...options.headers }).header('cache-control', 'no-cache');
  if (!body) {
    request.log.error({ distDir, page: which }, 'web console not built');
    return reply
      .code(503)
      .type('text/plain; charset=utf-8')
      .send('The web console is not built: run `npm run build -w @palisade/web`.');
  }
  ctx.csrf.ensureToken(request, reply);
  return reply.type('text/html; charset=utf-8').send(body);
}

/**
 * The web console: the admin interface at /if/admin/ (superusers; others are sent to /if/user/), the user
 * interface at /if/user/ (any signed-in user), and their hashed assets at /if/assets/. A visitor without a
 * session goes to the sign-in flow and comes back to the same path. Every path under an interface answers
 * its index.html, so deep links work; the page itself then calls the REST API with the session cookie and
 * the CSRF header, whose cookie is issued here.
 */
export function webRoutes(ctx: AppContext, distDir: string = WEB_DIST_DIR): FastifyPluginAsync {
  const sendIndex = (request: FastifyRequest, reply: FastifyReply, which: Interface) =>
    sendInterface(ctx, request, reply, which, { distDir });

  return async (app) => {
    for (const which of ['admin', 'user'] as const) {
      app.get(`/if/${which}`, async (_request, reply) => reply.redirect(`/if/${which}/`, 301));
      app.get(`/if/${which}/`, async (request, reply) => sendIndex(request, reply, which));
      app.get(`/if/${which}/*`, async (request, reply) => sendIndex(request, reply, which));
    }
    app.get<{ Params: { name: string } }>('/if/assets/:name', async (request, reply) => {
      const { name } = request.params;
      const type = TYPES[extname(name)];
      const body =
        ASSET_NAME.test(name) && type
          ? await readFile(join(distDir, 'assets', name)).catch(() => undefined)
          : undefined;
      reply.headers(CONSOLE_HEADERS);
      if (!body || !type) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      // The name carries the content hash: a new build has new names, so browsers may keep these forever.
      return reply.type(type).header('cache-control', 'public, max-age=31536000, immutable').send(body);
    });
  };
}
