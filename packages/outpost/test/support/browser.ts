/**
 * A browser without a browser: a cookie jar with Domain / host-only semantics (RFC 6265 §5.3) and
 * hand-followed redirects across the core's origin and the outpost's application hosts. Application hosts
 * are fictitious names: their requests go to the outpost's port on 127.0.0.1 with that Host header.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** One stored cookie. */
interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
}

/** A response, read whole. */
export interface BrowserResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  location?: string;
  url: string;
}

/** Sends one request to 127.0.0.1:`port` with the URL's host as Host. */
export function outpostRequest(
  port: number,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<BrowserResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: init.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            location: res.headers.location,
            url,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The browser. */
export class Browser {
  readonly cookies: StoredCookie[] = [];
  outpostPort: number;
  readonly coreOrigin: string;

  constructor(outpostPort: number, coreOrigin: string) {
    this.outpostPort = outpostPort;
    this.coreOrigin = coreOrigin;
  }

  /** The Cookie header this browser sends to `url`. */
  cookieHeader(url: string): string {
    const host = new URL(url).hostname;
    return this.cookies
      .filter((c) => (c.hostOnly ? c.domain === host : host === c.domain || host.endsWith(`.${c.domain}`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** Stores the Set-Cookie lines of a response from `url`. */
  remember(url: string, setCookie: string[] | undefined): void {
    const host = new URL(url).hostname;
    for (const line of setCookie ?? []) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const domainAttr = attributes
        .find((a) => /^domain=/i.test(a))
        ?.slice(7)
        .replace(/^\./, '')
        .toLowerCase();
      const domain = domainAttr ?? host;
      const index = this.cookies.findIndex((c) => c.name === name && c.domain === domain);
      if (index !== -1) this.cookies.splice(index, 1);
      const isDeleted = attributes.some((a) => /^max-age=(0|-)/i.test(a)) || value === '';
      if (!isDeleted) this.cookies.push({ name, value, domain, hostOnly: domainAttr === undefined });
    }
  }

  /** One request, with this browser's cookies. */
  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) {
    const cookie = this.cookieHeader(url);
    const headers = { ...(cookie ? { cookie } : {}), ...init.headers };
    if (new URL(url).origin === this.coreOrigin) {
      const answer = await fetch(url, { method: init.method, headers, body: init.body, redirect: 'manual' });
      this.remember(url, answer.headers.getSetCookie());
      return {
        status: answer.status,
        headers: Object.fromEntries(answer.headers) as IncomingHttpHeaders,
        body: await answer.text(),
        location: answer.headers.get('location') ?? undefined,
        url,
      };
    }
    const res = await outpostRequest(this.outpostPort, url, { ...init, headers });
    this.remember(url, res.headers['set-cookie']);
    return res;
  }

  /** Follows redirects from `url` until a non-redirect, or until `stop(next)` says not to go on. */
  async follow(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    stop: (next: URL) => boolean = () => false,
  ): Promise<{ res: BrowserResponse; next?: string }> {
    let res = await this.request(url, init);
    for (let hops = 0; hops < 20 && res.status >= 300 && res.status < 400 && res.location; hops++) {
      const next = new URL(res.location, res.url);
      if (stop(next)) return { res, next: next.href };
      res = await this.request(next.href);
    }
    return { res };
  }

  /**
   * Walks a sign-in from `url` (an outpost start URL, or the authorize URL a forward-auth 302 named): through
   * the core's sign-in form when it asks, back through the outpost's callback, and returns where the outpost
   * finally sends the browser (not requested: an application page behind the proxy). `stop` can end the
   * walk earlier (at the callback URL with its code, say).
   */
  async signIn(
    url: string,
    username: string,
    password: string,
    stop: (next: URL) => boolean = (next) =>
      next.origin !== this.coreOrigin &&
      !next.pathname.startsWith('/outpost.goauthentik.io/') &&
      !next.search.includes('X-authentik-auth-callback'),
  ): Promise<string> {
    let step = await this.follow(url, {}, stop);
    if (step.next) return step.next;
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(step.res.body)?.[1];
    if (!csrf)
      throw new Error(
        `no sign-in form at ${step.res.url} (${step.res.status}): ${step.res.body.slice(0, 200)}`,
      );
    step = await this.follow(
      step.res.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf_token: csrf, uid_field: username, password }).toString(),
      },
      stop,
    );
    if (!step.next)
      throw new Error(
        `sign-in ended at ${step.res.url} (${step.res.status}): ${step.res.body.slice(0, 300)}`,
      );
    return step.next;
  }
}
