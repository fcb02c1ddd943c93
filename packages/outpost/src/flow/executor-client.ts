/**
 * The HTTP client of one flow-executor attempt (ldap-radius-rac.md §0.2, reference study §4.1-4.3), shared by
 * the LDAP and RADIUS types: a fresh cookie jar per attempt, the outpost token in X-authentik-outpost-token
 * (never as Authorization) and the end client's address in X-authentik-remote-ip. Every answer that is not
 * what the protocol expects (no answer, a timeout, not JSON, too large, a wrong status) is a
 * CoreUnavailableError, which no caller can read as success.
 */
import { createHash } from 'node:crypto';
import type { Checker } from '../process/checked.ts';
import type { CoreFetch } from '../process/core-fetch.ts';

/** The session a successful flow left in the jar. */
export interface FlowSession {
  /** The `authentik_session` cookie's value. */
  cookie: string;
  /** When it expires (epoch ms), from Max-Age or Expires; undefined when the core gave neither. */
  expires: number | undefined;
  /** The digest SESSION_END names: SHA-256 of the session id (the JWT's `sid`, else the raw value). */
  sid: string;
}

/** Where and as whom the executor calls. */
export interface ExecutorOptions {
  fetch: CoreFetch;
  /** AUTHENTIK_HOST. */
  host: URL;
  token: string;
  userAgent: string;
  /** The end client (LDAP) or the NAS (RADIUS: the UDP source), for the core's policies. */
  clientIp: string;
  /** Which outpost marker the flow sees (`goauthentik.io/outpost/<type>=true`). */
  outpostType: 'ldap' | 'radius';
  timeoutMs?: number;
}

/** The cookie the reference outposts read (reference study §4.3). */
export const SESSION_COOKIE = 'authentik_session';
const DEFAULT_TIMEOUT_MS = 10_000;
/** A challenge or check is a few KiB; an answer past this is not the executor. */
const MAX_ANSWER_CHARS = 256 * 1024;

/** An answer of the core that is not the protocol (status, shape): unavailable, not denied. */
export class CoreUnavailableError extends Error {
  override name = 'CoreUnavailableError';
}

/** The session id digest of a cookie value (reference study §4.3: a JWT's `sid`, else the value). */
export function sessionDigest(cookie: string): string {
  let sid = cookie;
  const parts = cookie.split('.');
  if (parts.length === 3) {
    try {
      const payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown;
      const claim = (payload as { sid?: unknown } | null)?.sid;
      if (typeof claim === 'string') sid = claim;
    } catch {
      // Not a JWT: the raw value is the id.
    }
  }
  return createHash('sha256').update(sid).digest('hex');
}

/** One attempt's HTTP client: its own jar, the outpost's headers. */
export class ExecutorClient {
  private readonly jar = new Map<string, { value: string; expires: number | undefined }>();
  private readonly options: ExecutorOptions;

  constructor(options: ExecutorOptions) {
    this.options = options;
  }

  /** The query the flow is started with, telling flows that require an outpost which one asks. */
  get flowMarker(): string {
    return `goauthentik.io/outpost/${this.options.outpostType}=true`;
  }

  /** Starts with a session already held (unbind runs the invalidation flow in it). */
  withSession(cookie: string): this {
    this.jar.set(SESSION_COOKIE, { value: cookie, expires: undefined });
    return this;
  }

  private remember(response: Response, now: number): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      let expires: number | undefined;
      let maxAge: number | undefined;
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=');
        const text = rest.join('=').trim();
        if (key.trim().toLowerCase() === 'max-age' && /^-?\d+$/.test(text)) maxAge = Number(text);
        if (key.trim().toLowerCase() === 'expires' && !Number.isNaN(Date.parse(text)))
          expires = Date.parse(text);
      }
      // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
      if (maxAge !== undefined) expires = now + maxAge * 1000;
      if (value === '' || (expires !== undefined && expires <= now)) this.jar.delete(name);
      else this.jar.set(name, { value, expires });
    }
  }

  /** One request under /api/v3/ with the jar's cookies; answers the JSON body and the status. */
  async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const cookie = [...this.jar].map(([name, c]) => `${name}=${c.value}`).join('; ');
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent,
      'x-authentik-outpost-token': this.options.token,
      'x-authentik-remote-ip': this.options.clientIp,
    };
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(new URL(`api/v3/${path}`, this.options.host).href, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      this.remember(response, Date.now());
      // The body is read under the same timeout: a core that stalls mid-answer is unavailable too.
      text = await response.text();
    } catch (error) {
      throw new CoreUnavailableError(`${method} ${path}: ${(error as Error).message}`);
    }
    if (text.length > MAX_ANSWER_CHARS)
      throw new CoreUnavailableError(`${method} ${path}: ${response.status}, answer too large`);
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CoreUnavailableError(`${method} ${path}: ${response.status}, not JSON`);
    }
    return { status: response.status, json };
  }

  /** A GET whose answer must be 200 and fit `check`. */
  async get<T>(path: string, check: Checker<T>): Promise<T> {
    const { status, json } = await this.request('GET', path);
    if (status !== 200) throw new CoreUnavailableError(`GET ${path}: ${status}`);
    try {
      return check(json, `GET ${path}`);
    } catch (error) {
      throw new CoreUnavailableError((error as Error).message);
    }
  }

  /** The session the jar holds now, if any. */
  session(): FlowSession | undefined {
    const held = this.jar.get(SESSION_COOKIE);
    if (!held) return undefined;
    return { cookie: held.value, expires: held.expires, sid: sessionDigest(held.value) };
  }
}
