import { createServer, type Server } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { Registry } from 'prom-client';

/** The metrics port's server; close it at shutdown. */
export interface MetricsListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` on its own port, apart from the core's HTTP port, as outposts do (spec: 9300, no
 * authentication, never published by the integrations). A port that cannot be bound is logged as an error
 * and the core goes on without metrics: sign-ins matter more than their counters.
 */
export async function listenMetrics(
  host: string,
  port: number,
  render: () => Promise<string>,
  log: FastifyBaseLogger,
): Promise<MetricsListener | undefined> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    render().then(
      (body) =>
        res
          .writeHead(200, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE })
          .end(req.method === 'HEAD' ? '' : body),
      (error: unknown) => {
        log.error({ err: error }, 'could not render metrics');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', (error) => {
      log.error(
        { err: error, listen: `${host}:${port}` },
        'the metrics port could not be opened; running without /metrics',
      );
      resolve(false);
    });
    server.listen({ host, port }, () => resolve(true));
  });
  if (!bound) return undefined;
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
