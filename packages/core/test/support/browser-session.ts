import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { setCookiesOf } from './set-cookies.ts';

/**
 * A cookie jar over `app.inject`, so flow tests behave like a browser: cookies set by one response are sent
 * with the next request, and the CSRF token is read from the page's form.
 */
export class BrowserSession {
  readonly cookies = new Map<string, string>();
  readonly app: FastifyInstance;
  readonly headers: Record<string, string>;

  constructor(app: FastifyInstance, headers: Record<string, string> = {}) {
    this.app = app;
    this.headers = headers;
  }

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of setCookiesOf(res)) {
      if (cookie.removed) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return res;
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({ method: 'GET', url, headers: { ...this.headers, ...this.cookieHeader() } }),
    );
  }

  async post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: {
          ...this.headers,
          ...this.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams(fields).toString(),
      }),
    );
  }

  /** GETs a form page and submits it with its CSRF token plus `fields`. */
  async submit(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const page = await this.get(url);
    const token = /name="csrf_token" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${url} (status ${page.statusCode})`);
    return this.post(url, { csrf_token: token, ...fields });
  }
}
