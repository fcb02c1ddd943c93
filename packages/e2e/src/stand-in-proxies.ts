import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';

/**
 * Stand-ins for Traefik and Envoy, which do not run on these machines. Each follows its proxy's documented
 * forward-auth contract, and nothing more:
 * - Traefik `forwardAuth` (doc.traefik.io, middlewares/http/forwardauth): the original request's headers go to
 *   the auth address with X-Forwarded-Method/-Proto/-Host/-Uri/-For (no body); a 2xx lets the original
 *   request through with `authResponseHeaders` copied onto it (replacing any the client sent), anything else
 *   is returned to the client as the auth server answered it.
 * - Traefik's entry point first removes a client's X-Forwarded-* and X-Real-Ip (no trustedIPs), and a
 *   `headers` Middleware may clear request headers (docs/forward-auth/traefik.md clears the underscore
 *   spellings of the identity headers).
 * - Envoy `ext_authz` over HTTP (envoyproxy.io, ext_authz filter): the check goes to `path_prefix` + the
 *   original path, with the original Host and the allowed headers (cookie, authorization); only 200 allows,
 *   and then `allowed_upstream_headers` (x-authentik-*) are copied upstream; any other status goes back to
 *   the client with the check's headers and body.
 *   Header names with underscores are dropped (headers_with_underscores_action: DROP_HEADER, as documented).
 * Both read an absolute-form request target as Go's and Envoy's servers do (its host wins over Host).
 * Both route `/outpost.goauthentik.io/` on the application's host straight to the outpost, as their docs
 * configure it.
 */
export interface StandInProxy {
  port: number;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Request options for `path` on `base`'s host, the path sent as it is (no URL parser normalises it). */
const at = (base: URL, path: string) => ({ hostname: base.hostname, port: base.port, path });

function send(
  url: { base: URL; path: string },
  method: string,
  headers: Record<string, string | string[] | undefined>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ ...at(url.base, url.path), method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function relay(res: ServerResponse, answer: Answer): void {
  const headers = { ...answer.headers };
  delete headers['transfer-encoding'];
  delete headers.connection;
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function passTo(target: URL, req: IncomingMessage, res: ServerResponse, headers = req.headers): void {
  const upstream = request({ ...at(target, req.url ?? '/'), method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    res.writeHead(502);
    res.end('bad gateway');
  });
  req.pipe(upstream);
}

/** A handler that answers 400 to what it cannot forward (a target no HTTP client would send on). */
function guarded(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    try {
      handler(req, res);
    } catch {
      res.writeHead(400);
      res.end('bad request');
    }
  };
}

async function listen(server: Server, port = 0): Promise<StandInProxy> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const OUTPOST_PATHS = '/outpost.goauthentik.io/';

/**
 * The request's host and path as Go's and Envoy's servers read them: an absolute-form target (RFC 9112
 * §3.2.2) names the host, which wins over the Host header, and the path is what follows it.
 */
function targetOf(req: IncomingMessage): { host: string; path: string } {
  const raw = req.url ?? '/';
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/i.exec(raw);
  if (absolute) return { host: absolute[1] ?? '', path: absolute[2] || '/' };
  return { host: req.headers.host ?? '', path: raw };
}

/**
 * The X-Forwarded-* and X-Real-Ip headers Traefik's entry point removes from a request whose peer it does
 * not trust (entryPoints.forwardedHeaders.trustedIPs, empty by default), before any middleware runs.
 */
const TRAEFIK_UNTRUSTED = [
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-forwarded-prefix',
  'x-forwarded-tls-client-cert',
  'x-forwarded-tls-client-cert-info',
  'x-real-ip',
];

/** A Traefik-like front door: forwardAuth to `auth`, then `backend`. */
export function startTraefikLike(options: {
  auth: string;
  backend: string;
  outpost: string;
  authResponseHeaders: readonly string[];
  /** A `headers` Middleware before forwardAuth: request headers it sets to "" (which removes them). */
  clearRequestHeaders?: readonly string[];
  port?: number;
}): Promise<StandInProxy> {
  return listen(
    createServer(
      guarded((req, res) => {
        const { host, path } = targetOf(req);
        req.url = path;
        req.headers.host = host;
        for (const name of TRAEFIK_UNTRUSTED) delete req.headers[name];
        for (const name of options.clearRequestHeaders ?? []) delete req.headers[name.toLowerCase()];
        if (path.startsWith(OUTPOST_PATHS)) return passTo(new URL(options.outpost), req, res);
        const headers: Record<string, string | string[] | undefined> = {
          ...req.headers,
          'x-forwarded-method': req.method,
          'x-forwarded-proto': 'http',
          'x-forwarded-host': host,
          'x-forwarded-uri': path,
          'x-forwarded-for': req.socket.remoteAddress,
        };
        // The auth request goes to the address: its Host is the outpost's, as Go's client sets it.
        delete headers.host;
        delete headers['content-length'];
        const auth = new URL(options.auth);
        send({ base: auth, path: `${auth.pathname}${auth.search}` }, 'GET', headers).then(
          (answer) => {
            if (answer.status < 200 || answer.status > 299) return relay(res, answer);
            const upstream = { ...req.headers };
            for (const name of options.authResponseHeaders) {
              const value = answer.headers[name.toLowerCase()];
              delete upstream[name.toLowerCase()];
              if (value !== undefined) upstream[name.toLowerCase()] = value;
            }
            passTo(new URL(options.backend), req, res, upstream);
          },
          () => relay(res, { status: 500, headers: {}, body: Buffer.from('auth server unreachable') }),
        );
      }),
    ),
    options.port,
  );
}

/** An Envoy-like front door: ext_authz over HTTP to `outpost` + `pathPrefix`, then `backend`. */
export function startEnvoyLike(options: {
  outpost: string;
  backend: string;
  pathPrefix: string;
  port?: number;
}): Promise<StandInProxy> {
  return listen(
    createServer(
      guarded((req, res) => {
        const { host, path } = targetOf(req);
        req.url = path;
        req.headers.host = host;
        // headers_with_underscores_action: DROP_HEADER, as docs/forward-auth/envoy.md configures it.
        for (const name of Object.keys(req.headers)) if (name.includes('_')) delete req.headers[name];
        if (path.startsWith(OUTPOST_PATHS)) return passTo(new URL(options.outpost), req, res);
        const check = { base: new URL(options.outpost), path: options.pathPrefix + path };
        // Only the headers the filter is configured to allow (allowed_headers: cookie, authorization).
        const headers = Object.fromEntries(
          Object.entries({
            host,
            cookie: req.headers.cookie,
            authorization: req.headers.authorization,
          }).filter(([, value]) => value !== undefined),
        );
        send(check, req.method ?? 'GET', headers).then(
          (answer) => {
            if (answer.status !== 200) return relay(res, answer);
            const upstream = { ...req.headers };
            for (const name of Object.keys(upstream))
              if (name.startsWith('x-authentik-')) delete upstream[name];
            for (const [name, value] of Object.entries(answer.headers))
              if (name.startsWith('x-authentik-')) upstream[name] = value;
            passTo(new URL(options.backend), req, res, upstream);
          },
          () => relay(res, { status: 403, headers: {}, body: Buffer.from('ext_authz failed') }),
        );
      }),
    ),
    options.port,
  );
}
