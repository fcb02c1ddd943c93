import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  allSnippets,
  caddySnippet,
  envoySnippet,
  gatewayApiSnippet,
  ingressNginxSnippet,
  nginxSnippet,
  RESPONSE_HEADERS,
  type SnippetInput,
  traefikMiddlewareSnippet,
} from '../src/snippets.ts';

const single: SnippetInput = {
  externalHost: 'https://hello.yourdomain.com',
  mode: 'forward_single',
  cookieDomain: '',
  outpostUrl: 'http://ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local:9000',
  outpostService: 'ak-outpost-authentik-embedded-outpost',
  outpostNamespace: 'authentik',
  upstream: 'http://hello-world-service',
  appNamespace: 'default',
};
const domain: SnippetInput = {
  ...single,
  mode: 'forward_domain',
  externalHost: 'https://auth.yourdomain.com/',
  cookieDomain: 'yourdomain.com',
};

/** Parses every YAML document of a snippet, failing the test on a syntax error. */
function yamlDocs(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    assert.deepEqual(doc.errors, [], String(doc.errors[0]));
    return doc.toJS();
  });
}

describe('proxy setup snippets', () => {
  it('gives ingress-nginx the annotations of the ingress-nginx guide, with the provider values', () => {
    const [doc] = yamlDocs(ingressNginxSnippet(single)) as [
      { metadata: { annotations: Record<string, string> } },
    ];
    const a = doc.metadata.annotations;
    assert.equal(
      a['nginx.ingress.kubernetes.io/auth-url'],
      'http://ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/nginx',
    );
    assert.equal(
      a['nginx.ingress.kubernetes.io/auth-signin'],
      'https://hello.yourdomain.com/outpost.goauthentik.io/start?rd=$escaped_request_uri',
    );
    assert.equal(
      a['nginx.ingress.kubernetes.io/auth-response-headers'],
      `Set-Cookie,${RESPONSE_HEADERS.join(',')}`,
      'every identity header, jwt, entitlements and meta-* included (issue 13, finding 5)',
    );
    assert.equal(
      a['nginx.ingress.kubernetes.io/auth-snippet'],
      'proxy_set_header X-Forwarded-Host $http_host;\nif ($request ~* "^[a-z]+ [a-z][a-z0-9+.-]*://") { return 403; }\n',
    );
  });

  it('sends domain-level sign-ins to the auth host with an absolute rd', () => {
    const [doc] = yamlDocs(ingressNginxSnippet(domain)) as [
      { metadata: { annotations: Record<string, string> } },
    ];
    assert.equal(
      doc.metadata.annotations['nginx.ingress.kubernetes.io/auth-signin'],
      'https://auth.yourdomain.com/outpost.goauthentik.io/start?rd=$scheme://$http_host$escaped_request_uri',
    );
    assert.match(nginxSnippet(domain), /server_name \*\.yourdomain\.com;/);
    assert.match(caddySnippet(domain), /^https:\/\/\*\.yourdomain\.com \{/);
  });

  it('writes an nginx server with auth_request to the outpost and the sign-in redirect', () => {
    const text = nginxSnippet(single);
    assert.match(text, /server_name hello\.yourdomain\.com;/);
    assert.match(text, /auth_request \/outpost\.goauthentik\.io\/auth\/nginx;/);
    assert.match(
      text,
      /proxy_pass http:\/\/ak-outpost-authentik-embedded-outpost\.authentik\.svc\.cluster\.local:9000\/outpost\.goauthentik\.io;/,
    );
    assert.match(text, /proxy_pass http:\/\/hello-world-service;/);
    assert.match(text, /auth_request_set \$x_authentik_username \$upstream_http_x_authentik_username;/);
    assert.match(text, /proxy_set_header X-authentik-username \$x_authentik_username;/);
    for (const header of RESPONSE_HEADERS) {
      const v = header.toLowerCase().replace(/-/g, '_');
      assert.ok(text.includes(`auth_request_set $${v} $upstream_http_${v};`), `${header} is copied`);
      assert.ok(text.includes(`proxy_set_header ${header} $${v};`), `${header} is set`);
    }
    assert.match(text, /if \(\$request ~\* "\^\[a-z\]\+ \[a-z\]\[a-z0-9\+\.-\]\*:\/\/"\) \{\n\s+return 400;/);
    assert.match(
      text,
      /proxy_set_header Host \$http_host;\n\s+proxy_set_header X-Original-URL \$scheme:\/\/\$http_host\$request_uri;/,
    );
    assert.match(
      text,
      /return 302 \/outpost\.goauthentik\.io\/start\?rd=\$scheme:\/\/\$http_host\$request_uri;/,
    );
    // Every opened block is closed.
    assert.equal(text.split('{').length, text.split('}').length);
  });

  it('gives Traefik a forwardAuth Middleware passing every identity header', () => {
    const [mw] = yamlDocs(traefikMiddlewareSnippet(single)) as [
      { kind: string; spec: { forwardAuth: { address: string; authResponseHeaders: string[] } } },
    ];
    assert.equal(mw.kind, 'Middleware');
    assert.equal(
      mw.spec.forwardAuth.address,
      'http://ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/traefik',
    );
    assert.deepEqual(mw.spec.forwardAuth.authResponseHeaders, RESPONSE_HEADERS);
    const [, strip] = yamlDocs(traefikMiddlewareSnippet(single)) as [
      unknown,
      { spec: { headers: { customRequestHeaders: Record<string, string> } } },
    ];
    assert.deepEqual(
      strip.spec.headers.customRequestHeaders,
      Object.fromEntries(RESPONSE_HEADERS.map((h) => [h.replace(/-/g, '_'), ''])),
    );
  });

  it('routes the outpost paths to the outpost Service in Gateway API, allowed by a ReferenceGrant', () => {
    const [route, grant] = yamlDocs(gatewayApiSnippet(single)) as [
      {
        kind: string;
        metadata: { namespace: string };
        spec: {
          hostnames: string[];
          rules: Array<{
            backendRefs: Array<{ name: string; namespace?: string; port: number }>;
            filters?: unknown[];
          }>;
        };
      },
      {
        kind: string;
        metadata: { namespace: string };
        spec: { from: Array<{ kind: string; namespace: string }> };
      },
    ];
    assert.equal(route.kind, 'HTTPRoute');
    assert.deepEqual(route.spec.hostnames, ['hello.yourdomain.com']);
    assert.deepEqual(route.spec.rules[0]?.backendRefs, [
      { name: 'ak-outpost-authentik-embedded-outpost', namespace: 'authentik', port: 9000 },
    ]);
    assert.equal(route.spec.rules[1]?.filters?.length, 2, 'the underscore Middleware, then forwardAuth');
    assert.equal(grant.kind, 'ReferenceGrant');
    assert.equal(grant.metadata.namespace, 'authentik', 'the grant lives beside the outpost Service');
    assert.deepEqual(grant.spec.from, [
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' },
    ]);
  });

  it("listens on the external host's scheme and port, with a certificate for https and no http2 directive", () => {
    const at = (externalHost: string) => ({
      nginx: nginxSnippet({ ...single, externalHost }),
      caddy: caddySnippet({ ...single, externalHost }),
    });
    const https = at('https://hello.yourdomain.com');
    assert.match(https.nginx, /listen 443 ssl;/);
    assert.match(https.nginx, /ssl_certificate \/etc\/ssl\/certs\/hello\.yourdomain\.com\.pem;/);
    assert.match(https.nginx, /ssl_certificate_key \/etc\/ssl\/private\/hello\.yourdomain\.com\.key;/);
    assert.doesNotMatch(https.nginx, /http2/, 'nginx 1.22 has no `http2 on`');
    assert.match(https.caddy, /^https:\/\/hello\.yourdomain\.com \{/);
    const httpsPort = at('https://hello.yourdomain.com:8443/');
    assert.match(httpsPort.nginx, /listen 8443 ssl;/);
    assert.match(httpsPort.caddy, /^https:\/\/hello\.yourdomain\.com:8443 \{/);
    const http = at('http://hello.yourdomain.com');
    assert.match(http.nginx, /listen 80;/);
    assert.doesNotMatch(http.nginx, /ssl/);
    assert.match(
      http.caddy,
      /^http:\/\/hello\.yourdomain\.com \{/,
      'without http:// Caddy would switch to HTTPS',
    );
    const httpPort = at('http://hello.yourdomain.com:8088');
    assert.match(httpPort.nginx, /listen 8088;/);
    assert.match(httpPort.nginx, /server_name hello\.yourdomain\.com;/);
    assert.match(httpPort.caddy, /^http:\/\/hello\.yourdomain\.com:8088 \{/);
    assert.doesNotMatch(httpPort.nginx, /Host \$host;/, 'every Host keeps the port');
  });

  it('gives Caddy forward_auth with the caddy endpoint and copies the identity headers', () => {
    const text = caddySnippet(single);
    assert.match(
      text,
      /forward_auth http:\/\/ak-outpost-authentik-embedded-outpost\.authentik\.svc\.cluster\.local:9000 \{/,
    );
    assert.match(text, /uri \/outpost\.goauthentik\.io\/auth\/caddy/);
    assert.match(text, new RegExp(`copy_headers ${RESPONSE_HEADERS.join(' ')}`));
    assert.match(text, /request_header -X_authentik_\*/);
    assert.doesNotMatch(text, /trusted_proxies/, 'no peer may set X-Forwarded-Host for Caddy by default');
  });

  it('gives Envoy an ext_authz filter and a cluster at the outpost host and port', () => {
    const [doc] = yamlDocs(envoySnippet(single)) as [
      {
        http_filters: Array<{ typed_config: { http_service?: { path_prefix: string } } }>;
        clusters: Array<{
          load_assignment: {
            endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: { socket_address: unknown } } }> }>;
          };
        }>;
      },
    ];
    assert.equal(
      doc.http_filters[0]?.typed_config.http_service?.path_prefix,
      '/outpost.goauthentik.io/auth/envoy',
    );
    assert.deepEqual(
      doc.clusters[0]?.load_assignment.endpoints[0]?.lb_endpoints[0]?.endpoint.address.socket_address,
      {
        address: 'ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local',
        port_value: 9000,
      },
    );
  });

  it('lists every snippet once, each YAML one parsing', () => {
    const snippets = allSnippets(single);
    assert.deepEqual(
      snippets.map((s) => s.id),
      ['nginx', 'ingress-nginx', 'traefik', 'gateway-api', 'caddy', 'envoy'],
    );
    for (const s of snippets.filter((s) => s.language === 'yaml')) yamlDocs(s.text);
  });
});
