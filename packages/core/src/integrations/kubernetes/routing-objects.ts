import type { KubeObject } from './client.ts';
import { type BuildInput, buildBasics, isForwardMode, OUTPOST_PATH, providerHost } from './build-input.ts';
import { IDENTITY_RESPONSE_HEADERS } from '@palisade/schema/identity-headers';

/**
 * The objects that route traffic to a proxy outpost (controllers.md §5.5, seeds 002 and 003): Ingress, Traefik
 * Middleware, Gateway API HTTPRoutes and the ReferenceGrant they may need.
 */

/** Ingress annotations the reference sets; `kubernetes_ingress_annotations` go over them. */
const DEFAULT_INGRESS_ANNOTATIONS = {
  'nginx.ingress.kubernetes.io/affinity': 'cookie',
  'traefik.ingress.kubernetes.io/affinity': 'true',
  'nginx.ingress.kubernetes.io/proxy-buffers-number': '4',
  'nginx.ingress.kubernetes.io/proxy-buffer-size': '16k',
  'traefik.ingress.kubernetes.io/router.tls': 'true',
};

/** The headers Traefik copies from the outpost's answer (seed 003). */
export const TRAEFIK_AUTH_RESPONSE_HEADERS = IDENTITY_RESPONSE_HEADERS;

/** One route per distinct provider host: its path (outpost path for forward auth, `/` for proxy mode). */
function routedHosts(input: BuildInput): Array<{ host: string; https: boolean; path: string }> {
  const hosts = new Map<string, { host: string; https: boolean; path: string }>();
  for (const provider of input.providers) {
    const parsed = providerHost(provider.externalHost);
    if (!parsed || hosts.has(parsed.host)) continue;
    hosts.set(parsed.host, { ...parsed, path: isForwardMode(provider.mode) ? OUTPOST_PATH : '/' });
  }
  return [...hosts.values()];
}

/**
 * Path type of a rule: the configured one, else Prefix for `/`, and ImplementationSpecific for the outpost
 * path: ingress-nginx's strict path validation (on by default since 1.12) refuses Prefix and Exact paths with
 * a dot, such as `/outpost.goauthentik.io` (seed 002, ingress-nginx issue 11176); ImplementationSpecific is a
 * prefix match in ingress-nginx and Traefik alike.
 */
function pathType(input: BuildInput, path: string): string {
  return input.config.kubernetes_ingress_path_type ?? (path === '/' ? 'Prefix' : 'ImplementationSpecific');
}

/** The Ingress: one rule per provider host to the Service's `http` port; TLS when configured and https. */
export function ingressObjects(input: BuildInput): KubeObject[] {
  const hosts = routedHosts(input);
  if (hosts.length === 0) return [];
  const { config } = input;
  const { name, metadata } = buildBasics(input);
  const tlsHosts = hosts.filter((h) => h.https).map((h) => h.host);
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        ...metadata(),
        annotations: { ...DEFAULT_INGRESS_ANNOTATIONS, ...config.kubernetes_ingress_annotations },
      },
      spec: {
        ...(config.kubernetes_ingress_class_name
          ? { ingressClassName: config.kubernetes_ingress_class_name }
          : {}),
        ...(config.kubernetes_ingress_secret_name && tlsHosts.length
          ? { tls: [{ hosts: tlsHosts, secretName: config.kubernetes_ingress_secret_name }] }
          : {}),
        rules: hosts.map((h) => ({
          host: h.host,
          http: {
            paths: [
              {
                path: h.path,
                pathType: pathType(input, h.path),
                backend: { service: { name, port: { name: 'http' } } },
              },
            ],
          },
        })),
      },
    },
  ];
}

/** The Traefik forwardAuth Middleware, when a provider is in a forward mode and the CRD is served. */
export function middlewareObjects(input: BuildInput): KubeObject[] {
  const apiVersion = input.capabilities.middlewareApiVersion;
  if (!apiVersion || !input.providers.some((p) => isForwardMode(p.mode))) return [];
  const { name, namespace, metadata } = buildBasics(input);
  return [
    {
      apiVersion,
      kind: 'Middleware',
      metadata: metadata(),
      spec: {
        forwardAuth: {
          address: `http://${name}.${namespace}:9000${OUTPOST_PATH}/auth/traefik`,
          trustForwardHeader: true,
          authResponseHeaders: TRAEFIK_AUTH_RESPONSE_HEADERS,
        },
      },
    },
  ];
}

/** An HTTPRoute's name for a host: `<name>-<host>`, a DNS subdomain of at most 253 characters. */
const routeName = (name: string, host: string) => `${name}-${host}`.slice(0, 253).replace(/[-.]+$/, '');

/**
 * One HTTPRoute per provider host sending the outpost path (with a trailing slash, as seed 003) — or, in
 * proxy mode, everything — to the outpost's Service on 9000, attached to the configured gateways. Made only
 * when the Gateway API is served and `kubernetes_httproute_parent_refs` names at least one gateway.
 */
export function httpRouteObjects(input: BuildInput): KubeObject[] {
  const { config } = input;
  if (!input.capabilities.gatewayApi || config.kubernetes_httproute_parent_refs.length === 0) return [];
  const { name, namespace, metadata } = buildBasics(input);
  const parentRefs = config.kubernetes_httproute_parent_refs.map((ref) => ({
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    ...ref,
  }));
  return routedHosts(input).map((h) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      ...metadata(routeName(name, h.host)),
      ...(Object.keys(config.kubernetes_httproute_annotations).length
        ? { annotations: config.kubernetes_httproute_annotations }
        : {}),
    },
    spec: {
      parentRefs,
      hostnames: [h.host],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: h.path === '/' ? '/' : `${h.path}/` } }],
          // The namespace is explicit so a route moved elsewhere by a JSON patch still reaches the outpost.
          backendRefs: [{ name, namespace, port: 9000 }],
        },
      ],
    },
  }));
}

/**
 * The ReferenceGrant letting HTTPRoutes that live in other namespaces (a JSON patch may move them next to
 * their application, as in seed 003) point at the outpost's Service; none when every route is in the
 * outpost's namespace.
 */
export function referenceGrantObjects(input: BuildInput, routes: readonly KubeObject[]): KubeObject[] {
  const { name, namespace, metadata } = buildBasics(input);
  const others = [...new Set(routes.map((r) => String(r.metadata.namespace)))].filter((n) => n !== namespace);
  if (others.length === 0) return [];
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: metadata(),
      spec: {
        from: others
          .sort()
          .map((n) => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: n })),
        to: [{ group: '', kind: 'Service', name }],
      },
    },
  ];
}
