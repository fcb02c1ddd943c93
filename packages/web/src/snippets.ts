/**
 * Reverse-proxy setup snippets for a proxy provider, filled with its own values: nginx, ingress-nginx
 * annotations, Traefik (Middleware, and Gateway API HTTPRoute + ReferenceGrant), Caddy and Envoy. Pure
 * functions of their input, so the console shows them and the docs can be generated from the same text.
 */
import { IDENTITY_RESPONSE_HEADERS } from '@palisade/schema/identity-headers';

/** How the provider is served: the outpost as the proxy, or forward auth for one host or a whole domain. */
export type ProxyMode = 'proxy' | 'forward_single' | 'forward_domain';

/** What a snippet needs to know about the provider and the outpost that serves it. */
export interface SnippetInput {
  /** The provider's `external_host`: the application's URL, or the auth host in `forward_domain` mode. */
  externalHost: string;
  mode: ProxyMode;
  /** The provider's `cookie_domain` (the domain protected in `forward_domain` mode). */
  cookieDomain: string;
  /** The outpost as the reverse proxy reaches it, e.g. `http://ak-outpost-x.authentik.svc.cluster.local:9000`. */
  outpostUrl: string;
  /** The outpost's Kubernetes Service name and namespace (Gateway API routes name the Service itself). */
  outpostService: string;
  outpostNamespace: string;
  /** The protected application's upstream, as the proxy in front reaches it. */
  upstream: string;
  /** The namespace of the protected application's Ingress / HTTPRoute. */
  appNamespace: string;
}

/** One snippet: a tab title, the language of its text (for the label), and the text. */
export interface Snippet {
  id: string;
  title: string;
  language: 'nginx' | 'yaml' | 'caddyfile' | 'shell' | 'text';
  text: string;
}

/** The identity headers an outpost answers with, in the reference's order. */
export const RESPONSE_HEADERS = IDENTITY_RESPONSE_HEADERS;

/**
 * The underscore spellings of the identity headers (`X_authentik_username`): Go-based proxies pass them on,
 * and CGI, PHP, WSGI and Rack applications read them as the dashed header, so the snippets remove them.
 */
export const UNDERSCORE_HEADERS = RESPONSE_HEADERS.map((h) => h.replace(/-/g, '_'));

/** An nginx `if` refusing an absolute-form request line (nginx serves that host, the outpost hears Host's). */
const ABSOLUTE_FORM = '$request ~* "^[a-z]+ [a-z][a-z0-9+.-]*://"';

const OUTPOST_PATH = '/outpost.goauthentik.io';

/** The host name (without port) of a URL; the URL itself when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** `scheme://host[:port]` of a URL, without a trailing slash. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.replace(/\/+$/, '');
  }
}

/** The scheme and port of the external host, the port defaulting to the scheme's (80 or 443). */
function listenOf(input: SnippetInput): { isHttps: boolean; port: string; explicitPort: string } {
  try {
    const url = new URL(input.externalHost);
    const isHttps = url.protocol === 'https:';
    return { isHttps, port: url.port || (isHttps ? '443' : '80'), explicitPort: url.port };
  } catch {
    return { isHttps: false, port: '80', explicitPort: '' };
  }
}

/** The host names the reverse proxy protects: the application's, or every host under the cookie domain. */
function protectedHost(input: SnippetInput): string {
  if (input.mode === 'forward_domain' && input.cookieDomain)
    return `*.${input.cookieDomain.replace(/^\./, '')}`;
  return hostOf(input.externalHost);
}

/** A DNS-1123 name for the objects of these snippets, from the application's host. */
function resourceName(input: SnippetInput): string {
  const name = hostOf(input.externalHost).split('.')[0] ?? 'app';
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-') || 'app';
}

/**
 * Where the sign-in starts. One host: on that host (the outpost's paths are routed there). A domain: on the
 * auth host, with an absolute `rd` so the user comes back to whichever host they asked for.
 */
function signInUrl(input: SnippetInput, rd: string): string {
  return `${originOf(input.externalHost)}${OUTPOST_PATH}/start?rd=${rd}`;
}

/** nginx in front of the application: `auth_request` to the outpost, sign-in on 401. */
export function nginxSnippet(input: SnippetInput): string {
  const headers = RESPONSE_HEADERS;
  const vars = headers.map((h) => h.toLowerCase().replace(/-/g, '_'));
  const start =
    input.mode === 'forward_domain'
      ? signInUrl(input, '$scheme://$http_host$request_uri')
      : `${OUTPOST_PATH}/start?rd=$scheme://$http_host$request_uri`;
  // Loads in nginx 1.22 (Debian 12) as in current releases: no `http2 on` (1.25.1+), and a certificate for
  // every `listen … ssl` (nginx refuses to start without one).
  const { isHttps, port } = listenOf(input);
  const tls = isHttps
    ? `
    # Your certificate and key for this host (replace the paths).
    ssl_certificate /etc/ssl/certs/${hostOf(input.externalHost)}.pem;
    ssl_certificate_key /etc/ssl/private/${hostOf(input.externalHost)}.key;`
    : '';
  return `server {
    listen ${port}${isHttps ? ' ssl' : ''};
    server_name ${protectedHost(input)};${tls}
    # Headers from the outpost (a JWT among them) can be large.
    proxy_buffers 8 16k;
    proxy_buffer_size 32k;

    # An absolute URL in the request line would make nginx serve another host than the outpost is told.
    if (${ABSOLUTE_FORM}) {
        return 400;
    }

    location / {
        proxy_pass ${input.upstream};
        # $http_host keeps the port the browser used ($host drops it).
        proxy_set_header Host $http_host;

        auth_request /outpost.goauthentik.io/auth/nginx;
        error_page 401 = @goauthentik_proxy_signin;
        auth_request_set $auth_cookie $upstream_http_set_cookie;
        add_header Set-Cookie $auth_cookie;

        # Every identity header from the outpost's answer: each replaces (or, empty, removes) a client's.
${vars.map((v) => `        auth_request_set $${v} $upstream_http_${v};`).join('\n')}
${headers.map((h, i) => `        proxy_set_header ${h} $${vars[i]};`).join('\n')}
    }

    location ${OUTPOST_PATH} {
        proxy_pass ${input.outpostUrl}${OUTPOST_PATH};
        # The outpost picks the application by Host, port included.
        proxy_set_header Host $http_host;
        proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
        # Tells the outpost the browser's address (it never redirects a remote browser to a loopback one).
        proxy_set_header X-Forwarded-For $remote_addr;
        add_header Set-Cookie $auth_cookie;
        auth_request_set $auth_cookie $upstream_http_set_cookie;
        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
    }

    location @goauthentik_proxy_signin {
        internal;
        add_header Set-Cookie $auth_cookie;
        return 302 ${start};
    }
}
`;
}

/** ingress-nginx: the annotations of the application's Ingress (as in the ingress-nginx guide). */
export function ingressNginxSnippet(input: SnippetInput): string {
  const rd =
    input.mode === 'forward_domain' ? '$scheme://$http_host$escaped_request_uri' : '$escaped_request_uri';
  return `metadata:
  annotations:
    nginx.ingress.kubernetes.io/auth-url: |-
      ${input.outpostUrl}${OUTPOST_PATH}/auth/nginx
    nginx.ingress.kubernetes.io/auth-signin: |-
      ${signInUrl(input, rd)}
    nginx.ingress.kubernetes.io/auth-response-headers: |-
      Set-Cookie,${RESPONSE_HEADERS.join(',')}
    nginx.ingress.kubernetes.io/auth-snippet: |
      proxy_set_header X-Forwarded-Host $http_host;
      if (${ABSOLUTE_FORM}) { return 403; }
`;
}

/** Traefik: a forwardAuth Middleware, for an IngressRoute or an HTTPRoute filter. */
export function traefikMiddlewareSnippet(input: SnippetInput): string {
  return `apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata:
  name: authentik
  namespace: ${input.appNamespace}
spec:
  forwardAuth:
    address: ${input.outpostUrl}${OUTPOST_PATH}/auth/traefik
    trustForwardHeader: true
    authResponseHeaders:
${RESPONSE_HEADERS.map((h) => `      - ${h}`).join('\n')}
---
# Before forwardAuth: removes a client's underscore spellings of the identity headers.
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata:
  name: authentik-underscores
  namespace: ${input.appNamespace}
spec:
  headers:
    customRequestHeaders:
${UNDERSCORE_HEADERS.map((h) => `      ${h}: ""`).join('\n')}
`;
}

/**
 * Traefik with Gateway API: an HTTPRoute that sends the outpost's paths to the outpost's Service and the
 * rest through the Middleware, and the ReferenceGrant that lets it point at a Service in another namespace.
 */
export function gatewayApiSnippet(input: SnippetInput): string {
  const name = resourceName(input);
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: ${input.appNamespace}
spec:
  parentRefs:
    - name: traefik-gateway
      namespace: traefik
  hostnames:
    - ${protectedHost(input)}
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: ${OUTPOST_PATH}/
      backendRefs:
        - name: ${input.outpostService}
          namespace: ${input.outpostNamespace}
          port: 9000
    - matches:
        - path:
            type: PathPrefix
            value: /
      backendRefs:
        - name: ${name}
          port: 80
      filters:
        - type: ExtensionRef
          extensionRef:
            group: traefik.io
            kind: Middleware
            name: authentik-underscores
        - type: ExtensionRef
          extensionRef:
            group: traefik.io
            kind: Middleware
            name: authentik
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: ${name}-to-outpost
  namespace: ${input.outpostNamespace}
spec:
  from:
    - group: gateway.networking.k8s.io
      kind: HTTPRoute
      namespace: ${input.appNamespace}
  to:
    - group: ""
      kind: Service
      name: ${input.outpostService}
`;
}

/**
 * Caddy: `forward_auth` to the outpost, and the outpost's own paths proxied to it. The site address carries
 * the external host's scheme and port: without `http://`, Caddy serves HTTPS with a certificate of its own
 * and installs its CA into the system trust store.
 */
export function caddySnippet(input: SnippetInput): string {
  const hostPort = input.outpostUrl.replace(/\/+$/, '');
  const { isHttps, explicitPort } = listenOf(input);
  const site = `${isHttps ? 'https' : 'http'}://${protectedHost(input)}${explicitPort ? `:${explicitPort}` : ''}`;
  return `${site} {
    route {
        # The outpost's own paths (sign-in start, callback, sign-out).
        reverse_proxy ${OUTPOST_PATH}/* ${hostPort}

        forward_auth ${hostPort} {
            uri ${OUTPOST_PATH}/auth/caddy
            copy_headers ${RESPONSE_HEADERS.join(' ')}
        }
        # Caddy passes underscore spellings on: remove a client's.
        request_header -X_authentik_*

        reverse_proxy ${input.upstream}
    }
}
`;
}

/** Envoy: the ext_authz HTTP filter with the outpost as its service, and the cluster it names. */
export function envoySnippet(input: SnippetInput): string {
  let host = input.outpostUrl;
  let port = '9000';
  try {
    const url = new URL(input.outpostUrl);
    host = url.hostname;
    port = url.port || (url.protocol === 'https:' ? '443' : '80');
  } catch {
    // Keep the text as given: the snippet still shows where the value goes.
  }
  return `# In the HTTP connection manager of the listener for ${protectedHost(input)}:
common_http_protocol_options:
  # A client's X_authentik_username must not reach the application.
  headers_with_underscores_action: DROP_HEADER
http_filters:
  - name: envoy.filters.http.ext_authz
    typed_config:
      "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
      transport_api_version: V3
      http_service:
        server_uri:
          uri: ${input.outpostUrl}
          cluster: authentik-outpost
          timeout: 1s
        path_prefix: ${OUTPOST_PATH}/auth/envoy
        authorization_request:
          allowed_headers:
            patterns:
              - exact: cookie
              - exact: authorization
        authorization_response:
          allowed_upstream_headers:
            patterns:
              - prefix: x-authentik-
          allowed_client_headers:
            patterns:
              - exact: set-cookie
              - exact: location
  - name: envoy.filters.http.router
    typed_config:
      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
# Under static_resources.clusters:
clusters:
  - name: authentik-outpost
    type: STRICT_DNS
    load_assignment:
      cluster_name: authentik-outpost
      endpoints:
        - lb_endpoints:
            - endpoint:
                address:
                  socket_address: { address: ${host}, port_value: ${port} }
`;
}

/** Every snippet for a provider, in the order the console shows them. */
export function allSnippets(input: SnippetInput): Snippet[] {
  return [
    { id: 'nginx', title: 'nginx', language: 'nginx', text: nginxSnippet(input) },
    { id: 'ingress-nginx', title: 'ingress-nginx', language: 'yaml', text: ingressNginxSnippet(input) },
    { id: 'traefik', title: 'Traefik Middleware', language: 'yaml', text: traefikMiddlewareSnippet(input) },
    { id: 'gateway-api', title: 'Traefik + Gateway API', language: 'yaml', text: gatewayApiSnippet(input) },
    { id: 'caddy', title: 'Caddy', language: 'caddyfile', text: caddySnippet(input) },
    { id: 'envoy', title: 'Envoy', language: 'yaml', text: envoySnippet(input) },
  ];
}
