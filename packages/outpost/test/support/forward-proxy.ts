/**
 * What Traefik, Caddy, nginx and Envoy do with an auth request, by hand: they send the outpost the original
 * request's description and the browser's cookies, and relay the answer's Set-Cookie to the browser.
 */
import { type Browser, type BrowserResponse, outpostRequest } from './browser.ts';

/** Traefik forwardAuth / Caddy forward_auth for the browser's request to `original`. */
export async function forwardAuthCheck(
  browser: Browser,
  original: string,
  options: { endpoint?: 'traefik' | 'caddy'; headers?: Record<string, string> } = {},
): Promise<BrowserResponse> {
  const url = new URL(original);
  const cookie = browser.cookieHeader(original);
  const res = await outpostRequest(
    browser.outpostPort,
    `http://outpost.internal:9000/outpost.goauthentik.io/auth/${options.endpoint ?? 'traefik'}`,
    {
      headers: {
        'x-forwarded-proto': url.protocol.slice(0, -1),
        'x-forwarded-host': url.host,
        'x-forwarded-uri': `${url.pathname}${url.search}`,
        ...(cookie ? { cookie } : {}),
        ...options.headers,
      },
    },
  );
  browser.remember(original, res.headers['set-cookie']);
  return res;
}

/** nginx auth_request for `original` (Host = original host, X-Original-URL). */
export async function nginxCheck(
  browser: Browser,
  original: string,
  headers: Record<string, string> = {},
): Promise<BrowserResponse> {
  const url = new URL(original);
  const cookie = browser.cookieHeader(original);
  const res = await outpostRequest(
    browser.outpostPort,
    `http://${url.host}/outpost.goauthentik.io/auth/nginx`,
    {
      headers: { 'x-original-url': original, ...(cookie ? { cookie } : {}), ...headers },
    },
  );
  browser.remember(original, res.headers['set-cookie']);
  return res;
}

/** Envoy ext_authz for `original` (original path after the prefix, Host = original host). */
export async function envoyCheck(browser: Browser, original: string): Promise<BrowserResponse> {
  const url = new URL(original);
  const cookie = browser.cookieHeader(original);
  const res = await outpostRequest(
    browser.outpostPort,
    `http://${url.host}/outpost.goauthentik.io/auth/envoy${url.pathname}${url.search}`,
    { headers: { 'x-forwarded-proto': url.protocol.slice(0, -1), ...(cookie ? { cookie } : {}) } },
  );
  browser.remember(original, res.headers['set-cookie']);
  return res;
}
