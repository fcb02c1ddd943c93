import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';

/**
 * Stand-ins for Traefik and Envoy, which do not run on these machines. Each follows its proxy's documented
 * forward-auth contract, and nothing more:
 * - Traefik `forwardAuth` (doc.traefik.io, middlewares/http/forwardauth): the original request's headers go to
 *   the auth address with X-Forwarded-Method/-Proto/-Host/-Uri/-For (no body); a 2xx lets the original
 *   request through with `authResponseHeaders` copied onto it (replacing any the client sent), anything else
 *   is returned to the client as the auth server answered it.
 * - Envoy `ext_authz` over HTTP (envoyproxy.io, ext_authz filter): the check goes to `path_prefix` + the
 *   original path, with the original Host and the allowed headers (cookie, authorization); only 200 allows,
 *   and then `allowed_upstream_headers` (x-authentik-*) are copied upstream; any other status goes back to
 *   the client with the check's headers and body.
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

function send(
  url: URL,
  method: string,
  headers: Record<string, string | string[] | undefined>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
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
  const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    res.writeHead(502);
    res.end('bad gateway');
  });
  req.pipe(upstream);
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

/** A Traefik-like front door: forwardAuth to `auth`, then `backend`. */
export function startTraefikLike(options: {
  auth: string;
  backend: string;
  outpost: string;
  authResponseHeaders: readonly string[];
  port?: number;
}): Promise<StandInProxy> {
  return listen(
    createServer((req, res) => {
      if ((req.url ?? '').startsWith(OUTPOST_PATHS)) return passTo(new URL(options.outpost), req, res);
      const headers: Record<string, string | string[] | undefined> = {
        ...req.headers,
        'x-forwarded-method': req.method,
        'x-forwarded-proto': 'http',
        'x-forwarded-host': req.headers.host,
        'x-forwarded-uri': req.url,
        'x-forwarded-for': req.socket.remoteAddress,
      };
      delete headers['content-length'];
      send(new URL(options.auth), 'GET', headers).then(
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
    createServer((req, res) => {
      if ((req.url ?? '').startsWith(OUTPOST_PATHS)) return passTo(new URL(options.outpost), req, res);
      const check = new URL(options.pathPrefix + (req.url ?? '/'), options.outpost);
      // Only the headers the filter is configured to allow (allowed_headers: cookie, authorization).
      const headers = Object.fromEntries(
        Object.entries({
          host: req.headers.host,
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
    options.port,
  );
}
