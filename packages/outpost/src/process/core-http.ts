import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

/**
 * One HTTP exchange with the core over node:http/https. Not global fetch: AUTHENTIK_INSECURE needs TLS
 * settings per client (fetch has no per-request `rejectUnauthorized`), and a forced Host header (spec §2.4)
 * must not change the TLS server name, which fetch would derive from it.
 */

/** The transport of one client: its agents carry the TLS setting and keep connections alive. */
export interface CoreTransport {
  request(url: URL, options: ExchangeOptions): Promise<Exchange>;
  /** Drops pooled connections. */
  close(): void;
}

/** What to send. */
export interface ExchangeOptions {
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal;
}

/** What came back (the whole body, within the size limit). */
export interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A transport-level failure (connection refused, timeout, TLS, a body over the limit): no status. */
export class CoreUnreachableError extends Error {
  override name = 'CoreUnreachableError';
}

/** Builds the transport; `insecure` skips certificate verification (DANGER: AUTHENTIK_INSECURE only). */
export function createCoreTransport(options: { insecure: boolean }): CoreTransport {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const httpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets: 16,
    rejectUnauthorized: !options.insecure,
  });
  return {
    request: (url, exchange) =>
      send(
        url,
        exchange,
        url.protocol === 'https:' ? https : http,
        url.protocol === 'https:' ? httpsAgent : httpAgent,
      ),
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function send(
  url: URL,
  options: ExchangeOptions,
  module: typeof http | typeof https,
  agent: http.Agent,
): Promise<Exchange> {
  const where = `${options.method} ${url.origin}${url.pathname}`;
  return new Promise((resolve, reject) => {
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const req = module.request({
      protocol: url.protocol,
      hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: options.method,
      headers: options.body
        ? { ...options.headers, 'content-length': String(options.body.length) }
        : options.headers,
      agent,
      // The TLS name is the URL's host even when the Host header is forced to another (spec §2.4); no SNI
      // for an IP address (RFC 6066 §3).
      servername: isIP(hostname) ? '' : hostname,
      signal: options.signal,
    });
    const fail = (message: string) => {
      req.destroy();
      reject(new CoreUnreachableError(`${where}: ${message}`));
    };
    req.setTimeout(options.timeoutMs, () => fail(`no answer within ${options.timeoutMs} ms`));
    req.on('error', (error) => {
      if (error.name === 'AbortError') reject(error);
      else
        reject(
          new CoreUnreachableError(`${where}: ${(error as NodeJS.ErrnoException).code ?? error.message}`),
        );
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          res.destroy();
          fail(`answer larger than ${options.maxResponseBytes} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', (error) => fail(error.message));
    });
    req.end(options.body);
  });
}
