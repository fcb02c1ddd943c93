import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './server-process.ts';

/** The ingress-nginx annotations of docs/forward-auth/ingress-nginx.md, by name without the prefix. */
export async function ingressAnnotations(): Promise<Record<string, string>> {
  const text = await readFile(join(REPO_ROOT, 'docs', 'forward-auth', 'ingress-nginx.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)\n```/.exec(text)?.[1];
  if (!block) throw new Error('docs/forward-auth/ingress-nginx.md has no yaml block');
  const annotations: Record<string, string> = {};
  // `key: |-` (or `|`) followed by lines indented deeper than the key: the literal block's value.
  const pattern = /^( *)nginx\.ingress\.kubernetes\.io\/([\w-]+): \|-?\n((?:\1 +.*(?:\n|$))+)/gm;
  for (const match of block.matchAll(pattern)) {
    const [, , name = '', body = ''] = match;
    annotations[name] = body
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join('\n');
  }
  return annotations;
}

/**
 * The server block ingress-nginx renders for an Ingress on `host` with the auth-url, auth-signin,
 * auth-response-headers and auth-snippet annotations (its nginx.tmpl: the internal auth location, the
 * sign-in location, `auth_request_set`/`proxy_set_header` per response header), plus the Ingress the
 * Kubernetes integration adds for /outpost.goauthentik.io. `upstream` names the nginx upstream of the
 * outpost. Debian's nginx has no set_escape_uri, so $escaped_request_uri is the raw $request_uri here.
 * Set-Cookie in auth-response-headers is rendered as ingress-nginx's cookie handling ($auth_cookie).
 */
export function ingressServer(options: {
  host: string;
  port: number;
  annotations: Record<string, string>;
  /** The auth-signin host part (`https://hello.yourdomain.com`) becomes this origin. */
  origin: string;
  /** Another auth-signin (domain mode: the auth host, with an absolute rd). */
  signin?: string;
  upstream: string;
  backend: string;
}): string {
  const { host, port, annotations, upstream, backend } = options;
  const id = host.replace(/\W/g, '_');
  const signin =
    options.signin ?? (annotations['auth-signin'] ?? '').replace(/^https?:\/\/[^/]+/, options.origin);
  const authPath = new URL(annotations['auth-url'] ?? '').pathname;
  const headers = (annotations['auth-response-headers'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h && h.toLowerCase() !== 'set-cookie');
  const copies = headers
    .map(
      (h, i) =>
        `    auth_request_set $authHeader${i + 1} $upstream_http_${h.toLowerCase().replace(/-/g, '_')};\n` +
        `    proxy_set_header '${h}' $authHeader${i + 1};`,
    )
    .join('\n');
  return `
server {
  listen 127.0.0.1:${port};
  server_name ${host};
  proxy_buffers 8 16k;
  proxy_buffer_size 32k;

  location = /_external-auth-${id} {
    internal;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Forwarded-Proto "";
    proxy_set_header Host ${new URL(annotations['auth-url'] ?? '').hostname};
    proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
    proxy_set_header X-Original-Method $request_method;
    proxy_set_header X-Sent-From "nginx-ingress-controller";
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Auth-Request-Redirect $request_uri;
    # nginx.ingress.kubernetes.io/auth-snippet
    ${annotations['auth-snippet'] ?? ''}
    proxy_pass http://${upstream}${authPath};
  }

  location @${id}_signin {
    internal;
    add_header Set-Cookie $auth_cookie;
    return 302 ${signin};
  }

  location /outpost.goauthentik.io {
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_pass http://${upstream};
  }

  location / {
    set $escaped_request_uri $request_uri;
    auth_request /_external-auth-${id};
    auth_request_set $auth_cookie $upstream_http_set_cookie;
    add_header Set-Cookie $auth_cookie;
${copies}
    error_page 401 = @${id}_signin;
    proxy_set_header Host $http_host;
    proxy_pass ${backend};
  }
}`;
}
