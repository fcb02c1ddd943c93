import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { assertContract } from './contract.ts';
import { setCookiesOf } from './set-cookies.ts';

/** A challenge as the executor answers it. */
export type Challenge = { component: string; response_errors?: Record<string, unknown> } & Record<
  string,
  unknown
>;

/** How one attempt ended, with every challenge seen on the way (in order). */
export interface FlowOutcome {
  ok: boolean;
  components: string[];
  error?: string;
  last: Challenge;
}

/**
 * Drives the flow executor as the reference LDAP and RADIUS outposts do (reference-outposts-against-
 * palisade.md §4.1–4.2): a fresh cookie jar per attempt, no Authorization header, the outpost token in
 * X-authentik-outpost-token and the end client's address in X-authentik-remote-ip; GET the flow with the
 * marker in `query`, then answer each challenge by its component (the password always inline at
 * identification), at most 10 rounds; any response_errors is a failure; a redirect is success. Every
 * response is checked against the contract.
 */
export class OutpostFlowClient {
  readonly cookies = new Map<string, { value: string; line: string }>();
  readonly app: FastifyInstance;
  readonly headers: Record<string, string>;

  constructor(app: FastifyInstance, headers: Record<string, string>) {
    this.app = app;
    this.headers = headers;
  }

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of setCookiesOf(res)) {
      if (cookie.removed) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, { value: cookie.value, line: cookie.line });
    }
    return res;
  }

  /** One request with the jar's cookies and the outpost's headers, checked against the contract. */
  async request(method: 'GET' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v.value}`).join('; ');
    const res = await this.app.inject({
      method,
      url,
      headers: {
        ...this.headers,
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    assertContract(method, url, res);
    return this.remember(res);
  }

  /** Runs `slug` for `username`/`password` with the outpost marker `marker` (`ldap` or `radius`). */
  async run(slug: string, username: string, password: string, marker = 'ldap'): Promise<FlowOutcome> {
    const query = encodeURIComponent(`goauthentik.io/outpost/${marker}=true`);
    const url = `/api/v3/flows/executor/${slug}/?query=${query}`;
    let res = await this.request('GET', url);
    const components: string[] = [];
    for (let depth = 0; depth < 10; depth += 1) {
      if (res.statusCode !== 200)
        return { ok: false, components, error: `status ${res.statusCode}`, last: {} as Challenge };
      const challenge = res.json() as Challenge;
      components.push(challenge.component);
      const errors = Object.entries(challenge.response_errors ?? {});
      if (errors.length > 0)
        return { ok: false, components, error: `flow error ${errors[0]?.[0]}`, last: challenge };
      const answer = answerFor(challenge, username, password);
      if (answer === 'success') return { ok: true, components, last: challenge };
      if (answer === 'denied')
        return { ok: false, components, error: String(challenge.error_message), last: challenge };
      res = await this.request('POST', url, answer);
    }
    return { ok: false, components, error: 'too many rounds', last: {} as Challenge };
  }
}

function answerFor(challenge: Challenge, username: string, password: string): unknown {
  switch (challenge.component) {
    case 'ak-stage-identification':
      return { component: 'ak-stage-identification', uid_field: username, password };
    case 'ak-stage-password':
      return { component: 'ak-stage-password', password };
    case 'ak-stage-user-login':
      return { component: 'ak-stage-user-login', remember_me: true };
    case 'xak-flow-redirect':
      return 'success';
    case 'ak-stage-access-denied':
      return 'denied';
    default:
      throw new Error(`unsupported challenge type ${challenge.component}`);
  }
}
