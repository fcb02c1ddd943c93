import { headerOf, type RawResponse, rawRequest } from './raw-http.ts';

/** Secrets a visit saw on the wire (so the suite can look for them in the logs afterwards). */
export type SecretSink = (kind: string, value: string) => void;

/** One step of a visit: the URL asked for and what came back. */
export interface Hop {
  url: string;
  response: RawResponse;
}

/**
 * A browser without a rendering engine: a cookie jar per host, manual redirects, and the core's sign-in form.
 * Every host resolves to loopback (the request goes to 127.0.0.1:<port of the URL> with the URL's Host), so
 * the `*.test` names of the stacks need no DNS. Codes, states, id_token_hints and cookie values it sees go to
 * `secrets`.
 */
export class Visitor {
  private readonly jar = new Map<string, Map<string, string>>();
  private readonly secrets: SecretSink;

  constructor(secrets: SecretSink) {
    this.secrets = secrets;
  }

  /** The cookies this visitor holds for `hostname`, as a Cookie header value. */
  cookieHeader(hostname: string): string {
    return [...(this.jar.get(hostname) ?? new Map<string, string>())].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  /** The cookies for `hostname` whose name starts with `prefix`. */
  cookies(hostname: string, prefix = ''): Array<[string, string]> {
    return [...(this.jar.get(hostname) ?? new Map<string, string>())].filter(([n]) => n.startsWith(prefix));
  }

  /** One request to `url` with this visitor's cookies (and `headers` after them); cookies it sets are kept. */
  async fetch(
    url: string,
    options: { method?: string; headers?: Array<[string, string]>; body?: string } = {},
  ): Promise<RawResponse> {
    const parsed = new URL(url);
    const headers: Array<[string, string]> = [['Host', parsed.host]];
    const cookie = this.cookieHeader(parsed.hostname);
    if (cookie) headers.push(['Cookie', cookie]);
    headers.push(...(options.headers ?? []));
    if (options.body !== undefined)
      headers.push(
        ['Content-Type', 'application/x-www-form-urlencoded'],
        ['Content-Length', String(Buffer.byteLength(options.body))],
      );
    const response = await rawRequest({
      port: Number(parsed.port || 80),
      method: options.method,
      target: `${parsed.pathname}${parsed.search}`,
      headers,
      body: options.body,
    });
    this.remember(parsed.hostname, response);
    const location = headerOf(response, 'location');
    if (location) this.noteSecrets(location);
    return response;
  }

  /** Follows redirects from `url` (at most `limit`), returning every hop; the last one is not a redirect. */
  async follow(url: string, limit = 12): Promise<Hop[]> {
    const hops: Hop[] = [];
    let next = url;
    for (let i = 0; i < limit; i++) {
      const response = await this.fetch(next);
      hops.push({ url: next, response });
      const location = headerOf(response, 'location');
      if (response.status < 300 || response.status > 399 || !location) return hops;
      next = new URL(location, next).href;
    }
    throw new Error(`more than ${limit} redirects from ${url}`);
  }

  /**
   * Signs in as a user does: asks for `url` on the application, fills the core's sign-in form where the
   * redirects lead, and follows the redirects back. Resolves with the final hop (the application's answer).
   */
  async signIn(url: string, username: string, password: string): Promise<Hop> {
    const hops = await this.follow(url);
    const form = hops.at(-1);
    if (!form || !/\/if\/flow\/default-authentication-flow\//.test(form.url))
      throw new Error(
        `no sign-in form on the way from ${url}: ended at ${form?.url} (${form?.response.status})`,
      );
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(form.response.body)?.[1];
    const action = /<form method="post" action="([^"]+)"/.exec(form.response.body)?.[1];
    if (!csrf || !action)
      throw new Error(`the sign-in page has no form: ${form.response.body.slice(0, 300)}`);
    this.secrets('password', password);
    const posted = await this.fetch(new URL(action.replaceAll('&amp;', '&'), form.url).href, {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: csrf, uid_field: username, password }).toString(),
    });
    const location = headerOf(posted, 'location');
    if (posted.status !== 303 || !location)
      throw new Error(`sign-in as ${username} failed: ${posted.status}`);
    const back = await this.follow(new URL(location, form.url).href);
    const last = back.at(-1);
    if (!last) throw new Error('no answer after sign-in');
    return last;
  }

  /** Signs out at the core (the invalidation flow's confirmation form), ending the core session. */
  async signOutAtCore(coreUrl: string): Promise<void> {
    const url = `${coreUrl}/if/flow/default-invalidation-flow/`;
    const page = await this.fetch(url);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)?.[1];
    if (!csrf) throw new Error(`no sign-out form at the core (${page.status})`);
    const done = await this.fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: csrf }).toString(),
    });
    if (done.status >= 400) throw new Error(`the core sign-out answered ${done.status}`);
  }

  private remember(hostname: string, response: RawResponse): void {
    const cookies = this.jar.get(hostname) ?? new Map<string, string>();
    for (const line of response.headers.get('set-cookie') ?? []) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const deleted = /max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '';
      if (deleted) cookies.delete(name);
      else {
        cookies.set(name, value);
        // oidc-provider's interaction cookies hold the interaction's id, which is in the browser-visible
        // URL (/application/o/interaction/<uid>/) by design: not a secret of its own.
        if (!name.startsWith('_interaction')) this.secrets(`cookie ${name}`, value);
      }
    }
    this.jar.set(hostname, cookies);
  }

  private noteSecrets(location: string): void {
    const url = URL.canParse(location) ? new URL(location) : new URL(location, 'http://relative.invalid');
    for (const key of ['code', 'state', 'id_token_hint', 'access_token', 'token'])
      for (const value of url.searchParams.getAll(key)) this.secrets(key, value);
  }
}
