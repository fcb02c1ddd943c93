import type { CoreTransport } from './core-http.ts';

/** How long a back-channel call (token, introspection, JWKS) may take. */
const BACK_CHANNEL_TIMEOUT_MS = 10_000;
/** A token or JWKS answer is a few KiB; anything much larger is not the core. */
const BACK_CHANNEL_MAX_BYTES = 1024 * 1024;

/** A fetch-compatible function for the runtime's back-channel calls to the core. */
export type CoreFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Turns a fetch body into bytes (the kinds the runtime sends: forms, JSON text, bytes). */
async function bodyBytes(body: RequestInit['body']): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // Blob, FormData, streams: let the platform encode them.
  return Buffer.from(await new Response(body).arrayBuffer());
}

/** The content type fetch would add for a body that implies one. */
function impliedContentType(body: RequestInit['body']): string | undefined {
  if (body instanceof URLSearchParams) return 'application/x-www-form-urlencoded;charset=UTF-8';
  if (typeof body === 'string') return 'text/plain;charset=UTF-8';
  return undefined;
}

/**
 * Builds the back-channel fetch (spec §2.4). It uses the client's transport (TLS verification per
 * AUTHENTIK_INSECURE) and forces the `Host` header to the host of `forcedOrigin()` — AUTHENTIK_HOST_BROWSER
 * if set, else the outpost's `config.authentik_host` — with `X-Forwarded-Proto` set to its scheme, so the
 * core mints tokens whose issuer is the one the browser was sent to. No forced origin: the URL's own host.
 * Redirects are returned, not followed (as `redirect: 'manual'`).
 */
export function createCoreFetch(options: {
  transport: CoreTransport;
  userAgent: string;
  forcedOrigin: () => URL | undefined;
}): CoreFetch {
  return async (input, init = {}) => {
    const url = new URL(input);
    const headers: Record<string, string> = { 'user-agent': options.userAgent };
    const implied = impliedContentType(init.body);
    if (implied) headers['content-type'] = implied;
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const forced = options.forcedOrigin();
    if (forced) {
      headers.host = forced.host;
      headers['x-forwarded-proto'] = forced.protocol.slice(0, -1);
    }
    const exchange = await options.transport.request(url, {
      method: (init.method ?? 'GET').toUpperCase(),
      headers,
      body: await bodyBytes(init.body),
      timeoutMs: BACK_CHANNEL_TIMEOUT_MS,
      maxResponseBytes: BACK_CHANNEL_MAX_BYTES,
      signal: init.signal ?? undefined,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(exchange.headers)) {
      for (const one of [value ?? []].flat()) responseHeaders.append(name, one);
    }
    const empty = exchange.status === 204 || exchange.status === 304 || init.method === 'HEAD';
    return new Response(empty ? null : new Uint8Array(exchange.body), {
      status: exchange.status,
      headers: responseHeaders,
    });
  };
}
