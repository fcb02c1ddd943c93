import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconcileOutpost } from '../../../src/integrations/kubernetes/controller.ts';
import { TRAEFIK_AUTH_RESPONSE_HEADERS } from '../../../src/integrations/kubernetes/routing-objects.ts';
import { testBackends } from '../../support/databases.ts';
import { ALL_CRDS, kinds, kubernetesTest, type Obj } from './setup.ts';

/**
 * The Kubernetes controller against the stand-in API server (stand-in-api.ts). NO REAL CLUSTER IS USED: none
 * can run here; the stand-in follows the API's documented semantics and validates every object against the
 * official schemas.
 */

for (const backend of testBackends()) {
  describe(`Kubernetes controller (stand-in API server, no real cluster), on ${backend.name}`, () => {
    it('creates every object, applies as goauthentik.io, and a second run writes nothing', async () => {
      const k = await kubernetesTest(backend, { crds: ALL_CRDS, ingressNginxStrictPaths: true });
      try {
        const app = await k.provider('app');
        const outpost = await k.outpost('K8s Outpost', [app]);
        const first = await reconcileOutpost(k.t.ctx, outpost);
        assert.equal(first?.status, 'done', JSON.stringify(first?.lines));
        assert.deepEqual(kinds(k.cluster.objects()), [
          'Deployment outposts/ak-outpost-k8s-outpost',
          'Ingress outposts/ak-outpost-k8s-outpost',
          'Middleware outposts/ak-outpost-k8s-outpost',
          'Secret outposts/ak-outpost-k8s-outpost',
          'Service outposts/ak-outpost-k8s-outpost',
          'Service outposts/ak-outpost-k8s-outpost-metrics',
          'ServiceMonitor outposts/ak-outpost-k8s-outpost',
        ]);
        for (const write of k.cluster.writes()) {
          assert.equal(write.method, 'PATCH');
          assert.equal(write.contentType, 'application/apply-patch+yaml');
          assert.equal(write.fieldManager, 'goauthentik.io');
        }
        const service = k.cluster.object('v1', 'Service', 'outposts', 'ak-outpost-k8s-outpost') as Obj;
        assert.deepEqual(
          (service.spec as { ports: Array<{ name: string; port: number }> }).ports.map((p) => [
            p.name,
            p.port,
          ]),
          [
            ['http', 9000],
            ['https', 9443],
          ],
        );
        const labels = service.metadata.labels as Record<string, string>;
        assert.equal(labels['app.kubernetes.io/managed-by'], 'goauthentik.io');
        assert.equal(labels['app.kubernetes.io/name'], 'authentik-proxy');
        assert.equal(labels['app.kubernetes.io/instance'], 'k8s-outpost');
        const ingress = k.cluster.object(
          'networking.k8s.io/v1',
          'Ingress',
          'outposts',
          'ak-outpost-k8s-outpost',
        ) as Obj;
        const rule = (
          ingress.spec as { rules: Array<{ host: string; http: { paths: Array<Record<string, unknown>> } }> }
        ).rules[0];
        assert.equal(rule?.host, 'app.example.com');
        // Accepted by ingress-nginx's strict path validation, which refuses Prefix with a dot in the path.
        assert.deepEqual(rule?.http.paths[0], {
          path: '/outpost.goauthentik.io',
          pathType: 'ImplementationSpecific',
          backend: { service: { name: 'ak-outpost-k8s-outpost', port: { name: 'http' } } },
        });
        assert.deepEqual((ingress.spec as { tls: unknown }).tls, [
          { hosts: ['app.example.com'], secretName: 'authentik-outpost-tls' },
        ]);
        const middleware = k.cluster.object(
          'traefik.io/v1alpha1',
          'Middleware',
          'outposts',
          'ak-outpost-k8s-outpost',
        ) as Obj;
        assert.deepEqual((middleware.spec as { forwardAuth: unknown }).forwardAuth, {
          address: 'http://ak-outpost-k8s-outpost.outposts:9000/outpost.goauthentik.io/auth/traefik',
          trustForwardHeader: true,
          authResponseHeaders: TRAEFIK_AUTH_RESPONSE_HEADERS,
        });
        const secret = k.cluster.object('v1', 'Secret', 'outposts', 'ak-outpost-k8s-outpost') as Obj;
        assert.deepEqual(Object.keys(secret.data as object).sort(), [
          'authentik_host',
          'authentik_host_browser',
          'authentik_host_insecure',
          'token',
        ]);

        k.cluster.requests.length = 0;
        const second = await reconcileOutpost(k.t.ctx, outpost);
        assert.equal(second?.status, 'done');
        assert.deepEqual(k.cluster.writes(), [], 'nothing changed, nothing written');
        assert.ok(second?.lines.some((l) => l.event === 'Deployment: Object is up-to-date.'));

        const tasks = await k.api.get(`/api/v3/tasks/tasks/?rel_obj_id=${outpost}`);
        const task = (
          tasks.json() as {
            results: Array<{ actor_name: string; previous_logs: unknown[]; logs: Array<{ event: string }> }>;
          }
        ).results[0];
        assert.equal(task?.actor_name, 'outpost_controller');
        assert.ok(task?.previous_logs.length, 'the first run is kept as previous_logs');
      } finally {
        await k.close();
      }
    });

    it('updates on drift: a config change, a JSON patch, another manager editing an owned field', async () => {
      const k = await kubernetesTest(backend);
      try {
        const outpost = await k.outpost('Drift', [await k.provider('drift')]);
        await reconcileOutpost(k.t.ctx, outpost);
        const deployment = () =>
          k.cluster.object('apps/v1', 'Deployment', 'outposts', 'ak-outpost-drift') as Obj;
        const spec = () =>
          deployment().spec as {
            replicas: number;
            template: { spec: { containers: Array<Record<string, unknown>> } };
          };
        const generation = deployment().metadata.generation;

        await k.api.patch(`/api/v3/outposts/instances/${outpost}/`, {
          config: {
            authentik_host: 'https://id.example.com/',
            kubernetes_namespace: 'outposts',
            kubernetes_replicas: 2,
          },
        });
        k.cluster.requests.length = 0;
        await reconcileOutpost(k.t.ctx, outpost);
        assert.deepEqual(
          k.cluster.writes().map((w) => w.path),
          ['/apis/apps/v1/namespaces/outposts/deployments/ak-outpost-drift'],
        );
        assert.equal(spec().replicas, 2);
        assert.equal(deployment().metadata.generation, Number(generation) + 1);

        k.cluster.editAs('kubectl', 'apps/v1', 'Deployment', 'outposts', 'ak-outpost-drift', {
          spec: { replicas: 5 },
        });
        k.cluster.requests.length = 0;
        await reconcileOutpost(k.t.ctx, outpost);
        assert.equal(spec().replicas, 2, 'the forced apply takes the field back');
        assert.equal(k.cluster.writes()[0]?.force, true);

        const resources = { requests: { cpu: '200m', memory: '200Mi' } };
        await k.api.patch(`/api/v3/outposts/instances/${outpost}/`, {
          config: {
            authentik_host: 'https://id.example.com/',
            kubernetes_namespace: 'outposts',
            kubernetes_replicas: 2,
            kubernetes_json_patches: {
              deployment: [
                { op: 'add', path: '/spec/template/spec/containers/0/resources', value: resources },
              ],
            },
          },
        });
        await reconcileOutpost(k.t.ctx, outpost);
        assert.deepEqual(spec().template.spec.containers[0]?.resources, resources);
        k.cluster.requests.length = 0;
        await reconcileOutpost(k.t.ctx, outpost);
        assert.deepEqual(k.cluster.writes(), [], 'the patched object is up to date');
      } finally {
        await k.close();
      }
    });

    it('skips disabled components, and Middleware / ServiceMonitor when their CRDs are absent', async () => {
      const k = await kubernetesTest(backend);
      try {
        const outpost = await k.outpost('Partial', [await k.provider('partial')], {
          kubernetes_disabled_components: ['ingress', 'service-metrics'],
        });
        const run = await reconcileOutpost(k.t.ctx, outpost);
        assert.deepEqual(kinds(k.cluster.objects()), [
          'Deployment outposts/ak-outpost-partial',
          'Secret outposts/ak-outpost-partial',
          'Service outposts/ak-outpost-partial',
        ]);
        const events = run?.lines.map((l) => l.event) ?? [];
        assert.ok(events.includes('Ingress: Disabled'));
        assert.ok(events.includes('Traefik Middleware: Object is noop'));
        assert.ok(events.includes('Prometheus Servicemonitor: Object is noop'));
      } finally {
        await k.close();
      }
    });

    it('removes what it created after a rename, a namespace move and a delete', async () => {
      const k = await kubernetesTest(backend);
      try {
        const outpost = await k.outpost('Before', [await k.provider('moving')]);
        await reconcileOutpost(k.t.ctx, outpost);
        await k.api.patch(`/api/v3/outposts/instances/${outpost}/`, { name: 'After' });
        await reconcileOutpost(k.t.ctx, outpost);
        assert.ok(
          kinds(k.cluster.objects()).every((o) => o.includes('ak-outpost-after')),
          kinds(k.cluster.objects()).join(),
        );
        await k.api.patch(`/api/v3/outposts/instances/${outpost}/`, {
          config: { authentik_host: 'https://id.example.com/', kubernetes_namespace: 'elsewhere' },
        });
        await reconcileOutpost(k.t.ctx, outpost);
        assert.ok(
          kinds(k.cluster.objects()).every((o) => o.includes(' elsewhere/')),
          kinds(k.cluster.objects()).join(),
        );
        assert.equal(k.cluster.objects().length, 5);
        await k.api.delete(`/api/v3/outposts/instances/${outpost}/`);
        const last = await reconcileOutpost(k.t.ctx, outpost);
        assert.equal(last?.status, 'done');
        assert.deepEqual(k.cluster.objects(), []);
        assert.deepEqual(await k.t.db.query('SELECT * FROM kubernetes_objects'), []);
      } finally {
        await k.close();
      }
    });

    it('reports a failing component (the API answers 422) and still applies the others', async () => {
      const k = await kubernetesTest(backend);
      try {
        const outpost = await k.outpost('Failing', [await k.provider('failing')]);
        k.cluster.failWrites('Service', 422);
        const run = await reconcileOutpost(k.t.ctx, outpost);
        assert.equal(run?.status, 'error');
        assert.ok(
          run?.lines.some((l) => l.log_level === 'error' && l.event.startsWith('Service: 422 Invalid')),
        );
        assert.deepEqual(kinds(k.cluster.objects()), [
          'Deployment outposts/ak-outpost-failing',
          'Ingress outposts/ak-outpost-failing',
          'Secret outposts/ak-outpost-failing',
        ]);
        k.cluster.failWrites('Service', undefined);
        assert.equal((await reconcileOutpost(k.t.ctx, outpost))?.status, 'done');
        assert.equal(k.cluster.objects().length, 5);
      } finally {
        await k.close();
      }
    });
  });
}
