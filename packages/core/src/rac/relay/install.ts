import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { OutpostHub } from '../../outposts/hub/hub.ts';
import { createRacTransport, type RacTransport, type RacTransportOptions } from './transport.ts';

/**
 * This replica's URL for the other replicas: the configured `internal_url`, else the address the server
 * listens on; when that is every address (0.0.0.0, ::), this machine's first non-loopback IPv4 address
 * (a pod's address), falling back to loopback.
 */
export function replicaUrlOf(ctx: AppContext, address: AddressInfo | string | null): string {
  if (ctx.config.internal_url) return ctx.config.internal_url.replace(/\/+$/, '');
  if (!address || typeof address === 'string') return 'http://127.0.0.1';
  let host = address.address;
  if (host === '0.0.0.0' || host === '::') {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    host = external?.address ?? '127.0.0.1';
  }
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * Puts the RAC transport on the app's HTTP server: upgrades to its paths go to it (the embedded outpost and
 * the hub leave them alone); it starts with the app and ends its connections before the server closes.
 */
export function installRacTransport(
  app: FastifyInstance,
  ctx: AppContext,
  hub: OutpostHub,
  options: Partial<RacTransportOptions> = {},
): RacTransport {
  const transport = createRacTransport(ctx, app.log, hub, {
    replicaUrl: () => replicaUrlOf(ctx, app.server.address()),
    ...options,
  });
  app.server.on('upgrade', (req, socket, head: Buffer) => {
    transport.handleUpgrade(req, socket, head);
  });
  app.addHook('onReady', async () => transport.start());
  app.addHook('preClose', async () => transport.close());
  return transport;
}
