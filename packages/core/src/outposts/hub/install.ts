import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { createOutpostHub, type OutpostHub, type OutpostHubOptions } from './hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The outpost websocket hub of this process (connected instances, for metrics). */
    outpostHub: OutpostHub;
  }
}

/**
 * Puts the outpost hub on the app's HTTP server: upgrades to `/ws/outpost/<uuid>/` go to it, it starts with
 * the app (ready) and closes its sockets before the server stops accepting (preClose), so shutdown does not
 * wait on long-lived websockets. The upgrade is taken on the node server rather than through a Fastify route
 * (@fastify/websocket): the handshake needs no Fastify features, and refusing it with a plain 401/403 before
 * any websocket exists is simplest there.
 */
export function installOutpostHub(
  app: FastifyInstance,
  ctx: AppContext,
  options: OutpostHubOptions = {},
): OutpostHub {
  const hub = createOutpostHub(ctx, app.log, options);
  app.decorate('outpostHub', hub);
  app.server.on('upgrade', (req, socket, head: Buffer) => {
    if (hub.handleUpgrade(req, socket, head)) return;
    // Nobody else takes upgrades yet; an unanswered one would hang until the client gives up.
    if (app.server.listenerCount('upgrade') === 1) {
      socket.on('error', () => {});
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
  app.addHook('onReady', async () => hub.start());
  app.addHook('preClose', async () => hub.close());
  return hub;
}
