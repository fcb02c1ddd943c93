import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger, ProxyRuntime } from '../proxy/types.ts';
import type { ListenAddress } from './env.ts';

/** The ping path, answered 204 on the metrics port as on 9000/9443 (spec §1.2). */
export const PING_PATH = '/outpost.goauthentik.io/ping';

/** A started listener. */
export interface Listener {
  readonly address: AddressInfo;
  /** Stops accepting; in-flight requests get `drainMs` to finish, then their connections are cut. */
  close(drainMs: number): Promise<void>;
}

async function listen(server: http.Server, at: ListenAddress, name: string, log: Logger): Promise<Listener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error({ err: error.message, listener: name }, 'listener error'));
  const address = server.address() as AddressInfo;
  log.info({ listener: name, address: `${address.address}:${address.port}` }, 'listening');
  return {
    address,
    async close(drainMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections waiting for their next request would hold close() open.
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), drainMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** Port 9000: plain HTTP, every request and upgrade handed to the runtime. */
export function listenHttp(runtime: ProxyRuntime, at: ListenAddress, log: Logger): Promise<Listener> {
  const server = http.createServer((req, res) => runtime.handleRequest(req, res));
  server.on('upgrade', (req, socket, head) => runtime.handleUpgrade(req, socket, head));
  return listen(server, at, 'http', log);
}

/**
 * Port 9443: TLS with the certificate the runtime picks by SNI (the provider's, else its self-signed
 * fallback, which also serves clients that send no server name).
 */
export function listenHttps(runtime: ProxyRuntime, at: ListenAddress, log: Logger): Promise<Listener> {
  const server = https.createServer(
    {
      secureContext: runtime.secureContextFor(''),
      SNICallback: (servername, callback) => {
        try {
          callback(null, runtime.secureContextFor(servername));
        } catch (error) {
          callback(error as Error);
        }
      },
    },
    (req, res) => runtime.handleRequest(req, res),
  );
  server.on('upgrade', (req, socket, head) => runtime.handleUpgrade(req, socket, head));
  // A failed handshake (scanners, plain HTTP on 9443) is routine: a debug line, not an error.
  server.on('tlsClientError', (error) => log.debug({ err: error.message }, 'TLS handshake failed'));
  return listen(server, at, 'https', log);
}

/** Port 9300 (no authentication, never published): `GET /metrics`, the ping, and 404 for the rest. */
export function listenMetrics(registry: Registry, at: ListenAddress, log: Logger): Promise<Listener> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith(PING_PATH)) {
      res.writeHead(204).end();
      return;
    }
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (error: unknown) => {
          log.error({ err: (error as Error).message }, 'could not collect metrics');
          res.writeHead(500).end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  return listen(server, at, 'metrics', log);
}
