import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { OutpostHandle } from '@palisade/outpost/process/main';
import type { AppContext } from '../context.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The embedded outpost, run inside this core process (controllers.md §8). */
    embeddedOutpost: EmbeddedOutpost;
  }
}

/** The embedded outpost of one core process. */
export interface EmbeddedOutpost {
  /** Whether it has its configuration and takes requests. */
  readonly running: boolean;
  /** Its metrics, served beside the core's on the core's metrics port (seed 000); undefined when not running. */
  readonly metricsRegistry: Registry | undefined;
  /**
   * Starts it against this core at `coreUrl` (the core's own address, reached over loopback), with the
   * secret key as its credential, as the reference's server does. Resolves once it serves or has failed
   * (a failure is logged: the core keeps working without it).
   */
  start(coreUrl: string, secretKey: string): Promise<void>;
}

// The core's own websocket paths (the outpost hub's, the RAC transport's): never the embedded outpost's.
const CORE_SOCKET_PATHS = /^\/ws\/(outpost|rac|outpost_rac|rac_link)\//;

/**
 * Puts the embedded outpost in front of the core's routes. It is the same outpost program as the standalone
 * one (`@palisade/outpost`: the shared runtime that fetches configuration and keeps the websocket, and the
 * proxy module that answers), started without listeners of its own: requests on the core's port that are the
 * outpost's — `/outpost.goauthentik.io/…`, the signatures, the hosts of its proxy-mode applications — are
 * handed to it before the core routes them (`wouldHandle`), everything else is the core's.
 */
export function installEmbeddedOutpost(app: FastifyInstance, ctx: AppContext): EmbeddedOutpost {
  let handle: OutpostHandle | undefined;

  app.addHook('onRequest', async (request, reply) => {
    const runtime = handle?.runtime;
    if (!runtime?.wouldHandle(request.raw)) return;
    reply.hijack();
    runtime.handleRequest(request.raw, reply.raw);
    return reply;
  });
  app.server.on('upgrade', (req, socket, head: Buffer) => {
    if (CORE_SOCKET_PATHS.test(req.url ?? '')) return;
    const runtime = handle?.runtime;
    if (runtime?.wouldHandle(req)) return runtime.handleUpgrade(req, socket, head);
    socket.on('error', () => {});
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  app.addHook('preClose', async () => {
    await handle?.close();
    handle = undefined;
  });

  const embedded: EmbeddedOutpost = {
    get running() {
      return handle !== undefined;
    },
    get metricsRegistry() {
      return handle?.metrics.registry;
    },
    async start(coreUrl, secretKey) {
      if (ctx.config.outposts.disable_embedded_outpost) {
        app.log.info({ reason: 'disabled by configuration' }, 'embedded outpost not started');
        return;
      }
      try {
        // Loaded on first use: a core with the embedded outpost disabled never loads the outpost code. The
        // outpost runtime picks the module of the embedded outpost's type (proxy) as a standalone one does.
        const { startOutpost } = await import('@palisade/outpost/process/main');
        handle = await startOutpost({
          env: { AUTHENTIK_HOST: coreUrl, AUTHENTIK_TOKEN: secretKey },
          listen: false,
          log: app.log.child({ logger: 'authentik.outpost.embedded' }),
          // One per core process, fetching from itself: no herd of outposts to spread out.
          reloadOffsetMs: 0,
        });
        app.log.info({ applications: handle.runtime?.applicationCount }, 'embedded outpost running');
      } catch (error) {
        app.log.error({ err: error }, 'the embedded outpost did not start; the core runs without it');
      }
    },
  };
  app.decorate('embeddedOutpost', embedded);
  return embedded;
}
