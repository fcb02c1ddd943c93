import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Docker API calls seed 001 permits (Images/Pull, Containers/Read, Create, Kill, Remove, System/Info)
 * plus start (which running a created container needs), as a docker-socket-proxy configured for them would
 * let through. An optional API version prefix (/v1.41) is allowed.
 */
export const ALLOWED_CALLS: ReadonlyArray<[method: string, path: RegExp]> = [
  ['GET', /^\/_ping$/],
  ['GET', /^\/info$/],
  ['GET', /^\/containers\/json$/],
  ['GET', /^\/containers\/[\w.-]+\/json$/],
  ['POST', /^\/images\/create$/],
  ['POST', /^\/containers\/create$/],
  ['POST', /^\/containers\/[\w.-]+\/start$/],
  ['POST', /^\/containers\/[\w.-]+\/kill$/],
  ['DELETE', /^\/containers\/[\w.-]+$/],
];

/** One call that reached the proxy. */
export interface ProxiedCall {
  method: string;
  path: string;
  allowed: boolean;
}

/** A filtering proxy in front of a daemon's socket that records every call. */
export interface SocketProxy {
  url: string;
  calls: ProxiedCall[];
  /** The calls that change something (anything but GET). */
  writes(): ProxiedCall[];
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1; refused calls get 403 as docker-socket-proxy answers them. */
export async function startSocketProxy(socketPath: string): Promise<SocketProxy> {
  const calls: ProxiedCall[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').replace(/\?.*/, '').replace(/^\/v\d+\.\d+/, '');
    const allowed = ALLOWED_CALLS.some(([m, p]) => m === req.method && p.test(path));
    calls.push({ method: req.method ?? '', path, allowed });
    if (!allowed) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden by the test socket proxy\n');
      return;
    }
    const upstream = httpRequest(
      { socketPath, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    writes: () => calls.filter((c) => c.method !== 'GET'),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
