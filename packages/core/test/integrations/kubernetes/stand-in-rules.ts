/**
 * The stand-in API server's fixed answers and rules: Status bodies, discovery documents, server defaults, and
 * ingress-nginx's admission check of path types.
 */

type Json = Record<string, unknown>;

/** Resources every cluster serves, by group/version. */
export const BUILT_IN: Record<string, string[]> = {
  v1: ['secrets', 'services', 'configmaps', 'pods'],
  'apps/v1': ['deployments'],
  'networking.k8s.io/v1': ['ingresses'],
};

/** Kind of each resource. */
export const KINDS: Record<string, string> = {
  secrets: 'Secret',
  services: 'Service',
  deployments: 'Deployment',
  ingresses: 'Ingress',
  middlewares: 'Middleware',
  servicemonitors: 'ServiceMonitor',
  httproutes: 'HTTPRoute',
  referencegrants: 'ReferenceGrant',
};

// ingress-nginx's check for Exact and Prefix paths under strict-validate-path-type.
const NGINX_STRICT_PATH = /^\/[A-Za-z0-9/_-]*$/;

/** A Status body of a failure. */
export const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message,
  reason,
  code,
});

/** What the server fills in on create, owned by no manager (so they never make an apply conflict). */
export function serverDefaults(o: Json): void {
  const spec = o.spec as Json | undefined;
  if (o.kind === 'Service' && spec) spec.clusterIP ??= '10.96.0.10';
  if (o.kind === 'Deployment' && spec) {
    spec.revisionHistoryLimit ??= 10;
    o.status ??= { observedGeneration: 0 };
  }
}

/** ingress-nginx's webhook under strict-validate-path-type: problems of an Ingress's Exact/Prefix paths. */
export function nginxStrictPathProblems(o: Json): string[] {
  if (o.kind !== 'Ingress') return [];
  const rules = ((o.spec as Json | undefined)?.rules ?? []) as Array<{ http?: { paths?: Json[] } }>;
  return rules
    .flatMap((r) => r.http?.paths ?? [])
    .filter((p) => p.pathType !== 'ImplementationSpecific' && !NGINX_STRICT_PATH.test(String(p.path)))
    .map((p) => `path ${String(p.path)} cannot be used with pathType ${String(p.pathType)}`);
}

/** The discovery answer for `path` (`/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`), or undefined for another path. */
export function discoveryAnswer(
  path: string,
  served: Record<string, string[]>,
): [number, unknown] | undefined {
  if (path === '/api') return [200, { kind: 'APIVersions', versions: ['v1'] }];
  if (path === '/apis') {
    const groups = [
      ...new Set(
        Object.keys(served)
          .filter((gv) => gv.includes('/'))
          .map((gv) => gv.split('/')[0]),
      ),
    ];
    return [
      200,
      {
        kind: 'APIGroupList',
        groups: groups.map((name) => ({
          name,
          versions: Object.keys(served)
            .filter((gv) => gv.startsWith(`${name}/`))
            .map((gv) => ({ groupVersion: gv, version: gv.split('/')[1] })),
        })),
      },
    ];
  }
  const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
  if (discovery) {
    const gv = discovery[1] ?? discovery[2] ?? '';
    const resources = served[gv];
    if (!resources) return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    return [
      200,
      {
        kind: 'APIResourceList',
        groupVersion: gv,
        resources: resources.map((name) => ({ name, namespaced: true, kind: KINDS[name] ?? name })),
      },
    ];
  }
  return undefined;
}
