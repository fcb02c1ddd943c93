/**
 * Signs a user in to a forward-auth or proxy application over plain HTTP, as a browser would (no Chromium
 * needed): the outpost's start URL, the core's authorize endpoint, its sign-in form (CSRF field and cookie),
 * back through authorize (implicit consent) to the outpost's callback, which sets the session cookie. The
 * application's external host need not resolve: its requests go to `appAddress` with the Host it names.
 */
import { request } from 'node:http';

/** One response, its body read. */
interface Answer {
  status: number;
  location?: string;
  setCookies: string[];
  body: string;
}

function send(
  target: URL,
  connectTo: { host: string; port: number },
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: connectTo.host,
        port: connectTo.port,
        method: options.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            setCookies: res.headers['set-cookie'] ?? [],
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A cookie jar per host, enough for one sign-in (no paths, no expiry beyond Max-Age=0). */
class Jar {
  readonly byHost = new Map<string, Map<string, string>>();
  take(host: string, lines: readonly string[]): void {
    const jar = this.byHost.get(host) ?? new Map<string, string>();
    for (const line of lines) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      if (/max-age=0\b/i.test(line)) jar.delete(name);
      else jar.set(name, pair.slice(eq + 1).trim());
    }
    this.byHost.set(host, jar);
  }
  header(host: string): string {
    return [...(this.byHost.get(host) ?? new Map<string, string>())].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

/**
 * Signs `username` in to the application at `appUrl` (its external host) and answers the Cookie header
 * value that carries the outpost session (`authentik_proxy_…=…`). Throws, saying where, if a step fails.
 */
export async function signInOverHttp(options: {
  appUrl: string;
  /** Where the application's host is served (the outpost, or the proxy in front of it). */
  appAddress: { host: string; port: number };
  username: string;
  password: string;
}): Promise<string> {
  const app = new URL(options.appUrl);
  const jar = new Jar();
  const connectFor = (url: URL) =>
    url.host === app.host ? options.appAddress : { host: url.hostname, port: Number(url.port || 80) };
  let url = new URL(`/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${app.origin}/`)}`, app);
  let form: { action: URL; csrf: string } | undefined;
  for (let step = 0; step < 20; step++) {
    const answer = form
      ? await send(form.action, connectFor(form.action), {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: jar.header(form.action.host),
          },
          body: new URLSearchParams({
            csrf_token: form.csrf,
            uid_field: options.username,
            password: options.password,
          }).toString(),
        })
      : await send(url, connectFor(url), { headers: { cookie: jar.header(url.host), accept: 'text/html' } });
    const at = form?.action ?? url;
    form = undefined;
    jar.take(at.host, answer.setCookies);
    if (answer.status >= 300 && answer.status < 400 && answer.location) {
      url = new URL(answer.location, at);
      if (url.host === app.host && !url.pathname.startsWith('/outpost.goauthentik.io/')) break;
      continue;
    }
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(answer.body)?.[1];
    const action = /<form method="post" action="([^"]+)"/.exec(answer.body)?.[1];
    if (answer.status === 200 && csrf && action) {
      form = { action: new URL(action.replaceAll('&amp;', '&'), at), csrf: csrf.replaceAll('&amp;', '&') };
      continue;
    }
    throw new Error(`sign-in stopped at ${at.href}: ${answer.status} ${answer.body.slice(0, 300)}`);
  }
  const session = [...(jar.byHost.get(app.host) ?? [])].filter(([name]) =>
    name.startsWith('authentik_proxy_'),
  );
  if (session.length === 0) throw new Error(`sign-in to ${app.href} set no session cookie`);
  return session.map(([n, v]) => `${n}=${v}`).join('; ');
}
