/**
 * Drives the core's flow executor as an LDAP bind (spec §0.2, reference study §4.1-4.3): a fresh cookie
 * jar per attempt, the outpost token in X-authentik-outpost-token (never as Authorization) and the end
 * client's address in X-authentik-remote-ip, each challenge answered by its component, at most 10 rounds.
 * Every answer that is not what the protocol expects is a failure: nothing here can read as success except a
 * redirect challenge followed by an `authentik_session` cookie.
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

/** How a flow run ended: `denied` for credentials the flow refused, `error` for anything else. */
export type FlowOutcome =
  | { ok: true; session: FlowSession }
  | { ok: false; reason: 'invalid_credentials' | 'flow_error'; detail: string };

/** Where and as whom the executor calls. */
export interface ExecutorOptions {
  fetch: CoreFetch;
  /** AUTHENTIK_HOST. */
  host: URL;
  token: string;
  userAgent: string;
  clientIp: string;
  timeoutMs?: number;
}

/** The cookie the reference outposts read (reference study §4.3). */
export const SESSION_COOKIE = 'authentik_session';
const MAX_ROUNDS = 10;
const DEFAULT_TIMEOUT_MS = 10_000;

/** An answer of the core that is not the protocol (status, shape): the bind is unavailable, not denied. */
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
    try {
      response = await this.options.fetch(new URL(`api/v3/${path}`, this.options.host).href, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CoreUnavailableError(`${method} ${path}: ${(error as Error).message}`);
    }
    this.remember(response, Date.now());
    const text = await response.text();
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

type Challenge = Record<string, unknown> & { component?: unknown };

/** The POST body answering `challenge`, 'done' for success, or a failure. */
function answer(
  challenge: Challenge,
  secrets: { username: string; password: string; code: string | undefined },
): unknown {
  switch (challenge.component) {
    case 'ak-stage-identification':
      // The password goes inline: the identification stage uses it when a password stage is attached.
      return {
        component: 'ak-stage-identification',
        uid_field: secrets.username,
        password: secrets.password,
      };
    case 'ak-stage-password':
      return { component: 'ak-stage-password', password: secrets.password };
    case 'ak-stage-user-login':
      return { component: 'ak-stage-user-login', remember_me: true };
    case 'ak-stage-authenticator-validate': {
      const devices = Array.isArray(challenge.device_challenges)
        ? (challenge.device_challenges as unknown[])
        : [];
      const device = devices.find((d) => {
        const kind = (d as { device_class?: unknown } | null)?.device_class;
        return kind === 'totp' || kind === 'static';
      });
      if (!device || secrets.code === undefined) return { fail: 'no MFA code or no code-based device' };
      return { component: 'ak-stage-authenticator-validate', selected_challenge: device, code: secrets.code };
    }
    case 'xak-flow-redirect':
      return 'done';
    case 'ak-stage-access-denied':
      return { denied: String(challenge.error_message ?? 'access denied') };
    default:
      return { fail: `unsupported challenge type ${String(challenge.component)}` };
  }
}

/**
 * Runs flow `slug` for `username` with `password` (and `code` for an MFA stage). Throws
 * CoreUnavailableError when the core cannot be reached or answers outside the protocol.
 */
export async function runFlow(
  client: ExecutorClient,
  slug: string,
  secrets: { username: string; password: string; code: string | undefined },
  marker = 'goauthentik.io/outpost/ldap=true',
): Promise<FlowOutcome> {
  const path = `flows/executor/${encodeURIComponent(slug)}/?query=${encodeURIComponent(marker)}`;
  let reply = await client.request('GET', path);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (reply.status !== 200 || typeof reply.json !== 'object' || reply.json === null) {
      throw new CoreUnavailableError(`flow ${slug}: status ${reply.status}`);
    }
    const challenge = reply.json as Challenge;
    const errors = challenge.response_errors;
    if (errors && typeof errors === 'object' && Object.keys(errors).length > 0) {
      return { ok: false, reason: 'invalid_credentials', detail: `flow error ${Object.keys(errors)[0]}` };
    }
    const next = answer(challenge, secrets);
    if (next === 'done') {
      const session = client.session();
      // Reference study §4.4: a "success" without a session would bind anyone; it is an error here.
      if (!session)
        throw new CoreUnavailableError(`flow ${slug}: finished without an ${SESSION_COOKIE} cookie`);
      return { ok: true, session };
    }
    if (typeof next === 'object' && next !== null && 'denied' in next) {
      return { ok: false, reason: 'invalid_credentials', detail: String(next.denied) };
    }
    if (typeof next === 'object' && next !== null && 'fail' in next) {
      return { ok: false, reason: 'flow_error', detail: String(next.fail) };
    }
    reply = await client.request('POST', path, next);
  }
  return { ok: false, reason: 'flow_error', detail: `more than ${MAX_ROUNDS} rounds` };
}
