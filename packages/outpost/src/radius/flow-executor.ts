/**
 * Drives the core's flow executor for one Access-Request (ldap-radius-rac.md §0.2, reference-outposts-against-
 * palisade.md §4): a fresh cookie jar per attempt, no Authorization header, the outpost token in
 * X-authentik-outpost-token and the NAS's address in X-authentik-remote-ip; GET the flow with the radius
 * marker, then answer each challenge by its component, at most 10 rounds. The jar, holding the user's
 * session afterwards, makes the access check.
 */
import type { CoreFetch } from '../process/core-fetch.ts';
import type { Secrets } from './mfa-split.ts';

/** A challenge as the executor answers it (told apart by `component`). */
type Challenge = { component?: unknown; response_errors?: unknown } & Record<string, unknown>;

/** How the flow ended: passed with the session's cookies, or the reject reason of the metrics. */
export type FlowOutcome =
  | { passed: true; jar: CookieJar }
  | { passed: false; reason: 'invalid_credentials' | 'flow_error'; detail: string };

/** The cookies of one attempt (names to values), as the executor set them. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  /** Takes the Set-Cookie lines of a response (a removed cookie is dropped). */
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at < 1) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0(;|$)/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  /** The Cookie header, if any cookie is held. */
  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }
}

/** What one attempt needs. */
export interface FlowRequest {
  fetch: CoreFetch;
  /** AUTHENTIK_HOST (ending with `/`). */
  host: URL;
  token: string;
  slug: string;
  username: string;
  secrets: Secrets;
  /** The NAS's address: the UDP source (ldap-radius-rac.md §2.3). */
  remoteIp: string;
  /** Extra headers (EAP-TLS: X-Authentik-Outpost-Certificate). */
  headers?: Record<string, string>;
}

const MAX_ROUNDS = 10;
/** A challenge is a few KiB; more is not the executor. */
const MAX_CHALLENGE_BYTES = 256 * 1024;

/** The answer to a challenge, or how the attempt ends there. */
function answerFor(challenge: Challenge, request: FlowRequest): unknown {
  const { password, code } = request.secrets;
  switch (challenge.component) {
    case 'ak-stage-identification':
      return { component: 'ak-stage-identification', uid_field: request.username, password };
    case 'ak-stage-password':
      return { component: 'ak-stage-password', password };
    case 'ak-stage-authenticator-validate': {
      const devices = Array.isArray(challenge.device_challenges) ? challenge.device_challenges : [];
      const device = devices.find(
        (d: { device_class?: unknown }) => d.device_class === 'totp' || d.device_class === 'static',
      ) as Record<string, unknown> | undefined;
      if (!device) return { end: 'flow_error', detail: 'no TOTP or static device to answer with' };
      if (code === undefined) return { end: 'invalid_credentials', detail: 'a second factor is required' };
      return { component: 'ak-stage-authenticator-validate', selected_challenge: device, code };
    }
    case 'ak-stage-user-login':
      return { component: 'ak-stage-user-login', remember_me: true };
    case 'xak-flow-redirect':
      return { end: 'passed' };
    case 'ak-stage-access-denied':
      return { end: 'invalid_credentials', detail: String(challenge.error_message ?? 'access denied') };
    default:
      return { end: 'flow_error', detail: `unsupported challenge type ${String(challenge.component)}` };
  }
}

async function readChallenge(response: Response): Promise<Challenge> {
  if (response.status !== 200) throw new Error(`flow executor answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_CHALLENGE_BYTES) throw new Error('flow executor answer too large');
  const body = JSON.parse(text) as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Error('flow executor answered something that is not a challenge');
  return body as Challenge;
}

/** Runs the provider's authentication flow for one request. Never throws: a failure is an outcome. */
export async function runFlow(request: FlowRequest): Promise<FlowOutcome> {
  const jar = new CookieJar();
  const query = new URLSearchParams({ query: 'goauthentik.io/outpost/radius=true' });
  const url = new URL(`api/v3/flows/executor/${encodeURIComponent(request.slug)}/?${query}`, request.host);
  const send = async (body?: unknown): Promise<Challenge> => {
    const response = await request.fetch(url.href, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        accept: 'application/json',
        'x-authentik-outpost-token': request.token,
        'x-authentik-remote-ip': request.remoteIp,
        ...request.headers,
        ...jar.header(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    jar.take(response);
    return readChallenge(response);
  };
  try {
    let challenge = await send();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const errors = challenge.response_errors;
      if (errors && typeof errors === 'object' && Object.keys(errors).length > 0)
        return {
          passed: false,
          reason: 'invalid_credentials',
          detail: `flow error ${Object.keys(errors)[0]}`,
        };
      const answer = answerFor(challenge, request) as { end?: string; detail?: string };
      if (answer.end === 'passed') return { passed: true, jar };
      if (answer.end === 'invalid_credentials' || answer.end === 'flow_error')
        return { passed: false, reason: answer.end, detail: answer.detail ?? '' };
      challenge = await send(answer);
    }
    return { passed: false, reason: 'flow_error', detail: `no end after ${MAX_ROUNDS} rounds` };
  } catch (error) {
    return { passed: false, reason: 'flow_error', detail: (error as Error).message };
  }
}
