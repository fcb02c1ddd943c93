import assert from 'node:assert/strict';
import { apiClient } from '../../support/api-client.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import type { TestBackend } from '../../support/databases.ts';
import { flowPks } from '../../support/flows.ts';
import { type StandIn, type StandInOptions, startStandInApi } from './stand-in-api.ts';

/**
 * A core on a fresh database and a stand-in API server (no real cluster: see stand-in-api.ts), with a
 * Kubernetes connection to it made through the API.
 */
export interface KubernetesTest {
  t: TestApp;
  api: ReturnType<typeof apiClient>;
  cluster: StandIn;
  connection: string;
  /** Creates a proxy provider for https://<name>.example.com in `mode`, answers its pk. */
  provider(name: string, mode?: 'proxy' | 'forward_single' | 'forward_domain'): Promise<number>;
  /** Creates an outpost on the connection, answers its uuid. */
  outpost(
    name: string,
    providers: number[],
    config?: Record<string, unknown>,
    type?: string,
  ): Promise<string>;
  close(): Promise<void>;
}

/** A kubeconfig reaching the stand-in with its token and CA. */
export function kubeconfigFor(cluster: Pick<StandIn, 'url' | 'ca' | 'token'>, token = cluster.token) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'stand-in',
    contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'palisade' } }],
    clusters: [
      {
        name: 'stand-in',
        cluster: {
          server: cluster.url,
          'certificate-authority-data': Buffer.from(cluster.ca).toString('base64'),
        },
      },
    ],
    users: [{ name: 'palisade', user: { token } }],
  };
}

/** Starts a core and a stand-in, and connects them. */
export async function kubernetesTest(
  backend: TestBackend,
  options: StandInOptions = {},
): Promise<KubernetesTest> {
  const t = await createTestApp(backend);
  const api = apiClient(t.app, t.adminHeaders);
  const cluster = await startStandInApi(options);
  const res = await api.post('/api/v3/outposts/service_connections/kubernetes/', {
    name: 'stand-in cluster',
    kubeconfig: kubeconfigFor(cluster),
  });
  assert.equal(res.statusCode, 201, res.body);
  const flows = await flowPks(api);
  return {
    t,
    api,
    cluster,
    connection: (res.json() as { pk: string }).pk,
    async provider(name, mode = 'forward_single') {
      const created = await api.post('/api/v3/providers/proxy/', {
        name,
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        invalidation_flow: flows['default-invalidation-flow'],
        external_host: `https://${name}.example.com`,
        ...(mode === 'proxy' ? { internal_host: `http://${name}-backend:8080` } : {}),
        mode,
      });
      assert.equal(created.statusCode, 201, created.body);
      return (created.json() as { pk: number }).pk;
    },
    async outpost(name, providers, config = {}, type = 'proxy') {
      const created = await api.post('/api/v3/outposts/instances/', {
        name,
        type,
        providers,
        service_connection: (res.json() as { pk: string }).pk,
        config: { authentik_host: 'https://id.example.com/', kubernetes_namespace: 'outposts', ...config },
      });
      assert.equal(created.statusCode, 201, created.body);
      return (created.json() as { pk: string }).pk;
    },
    async close() {
      await cluster.close();
      await t.close();
    },
  };
}

/** Every optional CRD the controller uses: Traefik 3 Middleware, ServiceMonitor, Gateway API. */
export const ALL_CRDS = [
  'traefik.io/v1alpha1/middlewares',
  'monitoring.coreos.com/v1/servicemonitors',
  'gateway.networking.k8s.io/v1/httproutes',
  'gateway.networking.k8s.io/v1beta1/referencegrants',
];

/** A stored object as the tests read it. */
export type Obj = Record<string, unknown> & {
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace: string };
};

/** `Kind namespace/name` of each object, sorted. */
export const kinds = (objects: Array<Record<string, unknown>>) =>
  objects
    .map((o) => {
      const metadata = o.metadata as { namespace: string; name: string };
      return `${String(o.kind)} ${metadata.namespace}/${metadata.name}`;
    })
    .sort();
