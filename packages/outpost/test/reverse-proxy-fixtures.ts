/**
 * Fixtures for the reverse-proxy suites: an upstream that echoes what reached it, a front server that hands
 * every request to the proxy, provider configs, and a raw HTTP client (fetch may not set Host or
 * hop-by-hop headers).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type {
  Logger,
  ProxyProviderConfig,
  ReverseProxy,
  SessionClaims,
  UpstreamRequest,
} from '../src/proxy/types.ts';
import { createReverseProxy, type ReverseProxyOptions } from '../src/proxy/reverse-proxy.ts';

/** Listens on an ephemeral port of 127.0.0.1 and answers the port. */
export async function listen(server: Server | TlsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes a server and every connection it still holds. */
export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** What the echo upstream saw. */
export interface Echo {
  /** Which echo server answered. */
  name: string;
  method: string;
  url: string;
  rawHeaders: string[];
  bodyLength: number;
  bodySha256: string;
  body: string;
  trailers: string[];
}

/** The value(s) of a header in a rawHeaders array, case-insensitively. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name.toLowerCase()) values.push(rawHeaders[i + 1] ?? '');
  }
  return values;
}

/** An upstream answering every request with a JSON description of it. */
export function echoServer(name = 'upstream'): Server {
  return createServer((req, res) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
      if (length <= 65536) chunks.push(chunk);
    });
    req.on('end', () => {
      const echo: Echo = {
        name,
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: req.rawHeaders,
        bodyLength: length,
        bodySha256: hash.digest('hex'),
        body: length <= 65536 ? Buffer.concat(chunks).toString('utf8') : '',
        trailers: req.rawTrailers,
      };
      const json = JSON.stringify(echo);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
      res.end(json);
    });
  });
}

/** A proxy-mode provider config, `internal_host` given. */
export function provider(
  internalHost: string,
  overrides: Partial<ProxyProviderConfig> = {},
): ProxyProviderConfig {
  return {
    pk: 1,
    name: 'test-provider',
    internal_host: internalHost,
    external_host: 'http://app.example.test',
    internal_host_ssl_validation: true,
    client_id: 'client',
    client_secret: 'secret',
    oidc_configuration: {
      issuer: '',
      authorization_endpoint: '',
      token_endpoint: '',
      userinfo_endpoint: '',
      end_session_endpoint: '',
      introspection_endpoint: '',
      jwks_uri: '',
      response_types_supported: [],
      id_token_signing_alg_values_supported: [],
      subject_types_supported: [],
      token_endpoint_auth_methods_supported: [],
    },
    cookie_secret: 'cookie-secret',
    certificate: null,
    skip_path_regex: '',
    basic_auth_enabled: false,
    basic_auth_password_attribute: '',
    basic_auth_user_attribute: '',
    mode: 'proxy',
    cookie_domain: '',
    access_token_validity: null,
    intercept_header_auth: true,
    scopes_to_request: [],
    assigned_application_slug: 'app',
    assigned_application_name: 'App',
    ...overrides,
  };
}

const ALICE: SessionClaims = {
  sub: 'user-1',
  exp: 2_000_000_000,
  preferred_username: 'alice',
  raw_token: 'jwt',
};

/** An UpstreamRequest for a provider, with a signed-in user unless overridden. */
export function upstreamFor(
  p: ProxyProviderConfig,
  overrides: Partial<UpstreamRequest> = {},
): UpstreamRequest {
  return {
    provider: p,
    claims: ALICE,
    identityHeaders: { 'X-authentik-username': 'alice', 'X-authentik-groups': 'admins|staff' },
    clientScheme: 'https',
    clientHost: 'app.example.test',
    clientAddress: '203.0.113.7',
    sessionCookieNames: ['authentik_proxy_0123abcd'],
    consumedAuthorization: false,
    ...overrides,
  };
}

/** Log lines and metrics observations a test can read. */
export interface Recorded {
  logs: { level: string; obj: object; msg?: string }[];
  upstream: { labels: object; seconds: number }[];
}

/** A logger and metrics that record everything. */
export function recorder(): { log: Logger; metrics: ReverseProxyOptions['metrics']; recorded: Recorded } {
  const recorded: Recorded = { logs: [], upstream: [] };
  const line = (level: string) => (obj: object, msg?: string) => recorded.logs.push({ level, obj, msg });
  return {
    log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    metrics: {
      request: () => {},
      upstream: (labels, seconds) => recorded.upstream.push({ labels, seconds }),
    },
    recorded,
  };
}

/** A front server that proxies every request (and upgrade) with the UpstreamRequest `route` gives. */
export function frontServer(proxy: ReverseProxy, route: (req: IncomingMessage) => UpstreamRequest): Server {
  const server = createServer((req, res) => proxy.forward(req, res, route(req)));
  // The runtime routes checkContinue the same way, so the upstream decides on 100 (Continue).
  server.on('checkContinue', (req, res) => proxy.forward(req, res, route(req)));
  server.on('upgrade', (req, socket, head) => proxy.upgrade(req, socket, head, route(req)));
  return server;
}

/** A reverse proxy with recording log and metrics. */
export function testProxy(options: Partial<ReverseProxyOptions> = {}): {
  proxy: ReverseProxy;
  recorded: Recorded;
} {
  const { log, metrics, recorded } = recorder();
  const proxy = createReverseProxy({ log, metrics, version: '2026.2.0', outpostName: 'test', ...options });
  return { proxy, recorded };
}

/** A response as the raw client saw it. */
export interface RawResponse {
  status: number;
  rawHeaders: string[];
  body: string;
  rawTrailers: string[];
}

/** Sends one request with exactly the given headers (flat name/value array). */
export function send(
  port: number,
  options: { method?: string; path?: string; headers?: string[]; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: options.method ?? 'GET',
      path: options.path ?? '/',
      headers: options.headers ?? ['Host', 'app.example.test'],
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('aborted: the response was cut short'));
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
          rawTrailers: res.rawTrailers,
        }),
      );
    });
    req.end(options.body);
  });
}

/** Writes bytes on a plain TCP connection and answers everything the server sent until it closed. */
export function sendRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes, 'latin1'));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

/** The JSON body of a raw HTTP/1.1 response with Content-Length. */
export function rawBody<T>(response: string): T {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as T;
}

/** The same request with the user's `ak_proxy` claim set. */
export function withAkProxy(upstream: UpstreamRequest, akProxy: SessionClaims['ak_proxy']): UpstreamRequest {
  return { ...upstream, claims: { ...(upstream.claims ?? ALICE), ak_proxy: akProxy } };
}
