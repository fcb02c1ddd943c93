import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { Registry } from 'prom-client';
import type { ListenAddress } from './env.ts';
import type { Logger } from './logger.ts';
import type { SharedPortHttp } from './outpost-module.ts';
import { OutpostStartupError } from './refresh.ts';

/** What answers HTTP on a listener: the runtime of an HTTP-serving type, plus its TLS contexts for 9443. */
type HttpHandler = Omit<SharedPortHttp, 'wouldHandle' | 'applicationCount'>;
type TlsHandler = HttpHandler & { secureContextFor(servername: string): SecureContext };

/** The ping path, answered 204 on the metrics port as on 9000/9443 (spec §1.2). */
export const PING_PATH = '/outpost.goauthentik.io/ping';

/** A started listener. */
export interface Listener {
  /** `http`, `https`, `metrics`, or a module's own (`ldap`, `radius`…). */
  readonly name: string;
  readonly address: AddressInfo;
  /** Stops accepting; in-flight requests get `drainMs` to finish, then their connections are cut. */
  close(drainMs: number): Promise<void>;
}

/**
 * The startup error of a listener that cannot bind: it names the listener, the address and what to change,
 * and stops the program with a non-zero exit (issue 19, point 6) rather than leave it running half-open,
 * its metrics port answering the health check while 9000 serves nothing.
 */
function bindError(error: NodeJS.ErrnoException, at: ListenAddress, name: string): OutpostStartupError {
  const address = `${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}`;
  const setting = `AUTHENTIK_LISTEN__${name.toUpperCase()}`;
  const why =
    error.code === 'EADDRINUSE'
      ? 'the address is already in use (another process holds the port)'
      : error.code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : error.code === 'EADDRNOTAVAIL'
          ? 'no interface of this machine has that address'
          : error.message;
  return new OutpostStartupError(
    `the ${name} listener cannot listen on ${address}: ${why}; free it or set ${setting}`,
    { cause: error },
  );
}

async function listen(
  server: http.Server,
  at: ListenAddress,
  name: string,
  log: Logger,
  acceptor: net.Server = server,
): Promise<Listener> {
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(bindError(error, at, name));
    acceptor.once('error', failed);
    acceptor.listen(at.port, at.host, () => {
      acceptor.off('error', failed);
      resolve();
    });
  });
  acceptor.on('error', (error) => log.error({ err: error.message, listener: name }, 'listener error'));
  const address = acceptor.address() as AddressInfo;
  log.info({ listener: name, address: `${address.address}:${address.port}` }, 'listening');
  return {
    name,
    address,
    async close(drainMs) {
      const stopped = new Promise<void>((resolve) => acceptor.close(() => resolve()));
      // The HTTP side of a TLS acceptor never listened itself: its close() only marks it closing.
      if (acceptor !== server) server.close();
      // Keep-alive connections waiting for their next request would hold close() open.
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), drainMs);
      await stopped;
      clearTimeout(timer);
    },
  };
}

/** Port 9000: plain HTTP, every request and upgrade handed to the runtime. */
export function listenHttp(runtime: HttpHandler, at: ListenAddress, log: Logger): Promise<Listener> {
  const server = http.createServer((req, res) => runtime.handleRequest(req, res));
  server.on('upgrade', (req, socket, head) => runtime.handleUpgrade(req, socket, head));
  return listen(server, at, 'http', log);
}

/**
 * Port 9443: TLS with the certificate the runtime picks by SNI (the provider's, else its self-signed
 * fallback, which also serves clients that send no server name). The TLS sockets are made here and handed
 * to an HTTP server: https.Server takes its no-SNI certificate only as PEM options, while the runtime
 * offers SecureContexts, and asking the runtime per connection follows its certificate changes.
 */
export function listenHttps(runtime: TlsHandler, at: ListenAddress, log: Logger): Promise<Listener> {
  const server = http.createServer((req, res) => runtime.handleRequest(req, res));
  server.on('upgrade', (req, socket, head) => runtime.handleUpgrade(req, socket, head));
  const acceptor = net.createServer((raw) => {
    let socket: TLSSocket;
    try {
      socket = new TLSSocket(raw, {
        isServer: true,
        secureContext: runtime.secureContextFor(''),
        ALPNProtocols: ['http/1.1'],
        SNICallback: (servername, callback) => {
          try {
            callback(null, runtime.secureContextFor(servername));
          } catch (error) {
            callback(error as Error);
          }
        },
      });
    } catch (error) {
      log.error({ err: (error as Error).message }, 'no TLS context for a connection');
      raw.destroy();
      return;
    }
    // A failed handshake (scanners, plain HTTP on 9443) is routine: a debug line, not an error.
    socket.on('error', (error) => {
      log.debug({ err: error.message }, 'TLS connection failed');
      socket.destroy();
    });
    server.emit('connection', socket);
  });
  return listen(server, at, 'https', log, acceptor);
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
