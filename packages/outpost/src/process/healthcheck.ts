import http from 'node:http';
import { DEFAULT_LISTEN, parseListenAddress } from './env.ts';
import { PING_PATH } from './listeners.ts';

/** How long the ping may take before the outpost counts as down. */
const HEALTHCHECK_TIMEOUT_MS = 5000;

/**
 * The container health check (spec §1.2): `HEAD http://<AUTHENTIK_LISTEN__METRICS>/outpost.goauthentik.io/ping`,
 * 0 on an answer below 400, else 1. It reads only the metrics address, so it works whatever else the
 * environment holds; an all-interfaces address is asked on the loopback.
 */
export async function healthcheck(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const address = parseListenAddress(env.AUTHENTIK_LISTEN__METRICS || DEFAULT_LISTEN.metrics);
  if (!address) return 1;
  const host = address.host === '0.0.0.0' ? '127.0.0.1' : address.host === '::' ? '::1' : address.host;
  return new Promise((resolve) => {
    const req = http.request(
      { host, port: address.port, path: PING_PATH, method: 'HEAD', timeout: HEALTHCHECK_TIMEOUT_MS },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 500) < 400 ? 0 : 1);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(1));
    req.end();
  });
}
