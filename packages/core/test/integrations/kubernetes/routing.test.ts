import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { reconcileOutpost } from '../../../src/integrations/kubernetes/controller.ts';
import { testBackends } from '../../support/databases.ts';
import { ALL_CRDS, kinds, kubernetesTest, type Obj } from './setup.ts';

/**
 * Routing objects and manifests of the Kubernetes controller against the stand-in API server (stand-in-api.ts). NO REAL CLUSTER IS USED: none
 * can run here; the stand-in follows the API's documented semantics and validates every object against the
 * official schemas.
 */

for (const backend of testBackends()) {
  describe(`Kubernetes controller routing objects (stand-in API server, no real cluster), on ${backend.name}`, () => {
    it('refuses a Prefix path on ingress-nginx with strict path validation, reporting it', async () => {
      const k = await kubernetesTest(backend, { ingressNginxStrictPaths: true });
      try {
        const outpost = await k.outpost('Strict', [await k.provider('strict')], {
          kubernetes_ingress_path_type: 'Prefix',
        });
        const run = await reconcileOutpost(k.t.ctx, outpost);
        assert.ok(
          run?.lines.some((l) => l.event.includes('cannot be used with pathType Prefix')),
          JSON.stringify(run?.lines),
        );
      } finally {
        await k.close();
      }
    });

    it('gives the embedded outpost only its Service, Ingress, Middleware and HTTPRoute', async () => {
      const k = await kubernetesTest(backend, { crds: ALL_CRDS });
      try {
        const list = await k.api.get(
          '/api/v3/outposts/instances/?managed__iexact=goauthentik.io/outposts/embedded',
        );
        const embedded = (list.json() as { results: Array<{ pk: string }> }).results[0]?.pk ?? '';
        const res = await k.api.patch(`/api/v3/outposts/instances/${embedded}/`, {
          providers: [await k.provider('hello')],
          service_connection: k.connection,
          config: {
            authentik_host: 'https://id.example.com/',
            kubernetes_namespace: 'authentik',
            kubernetes_httproute_parent_refs: [{ name: 'traefik-gateway', namespace: 'traefik' }],
          },
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((await reconcileOutpost(k.t.ctx, embedded))?.status, 'done');
        assert.deepEqual(kinds(k.cluster.objects()), [
          'HTTPRoute authentik/ak-outpost-authentik-embedded-outpost-hello.example.com',
          'Ingress authentik/ak-outpost-authentik-embedded-outpost',
          'Middleware authentik/ak-outpost-authentik-embedded-outpost',
          'Service authentik/ak-outpost-authentik-embedded-outpost',
        ]);
        const service = k.cluster.object(
          'v1',
          'Service',
          'authentik',
          'ak-outpost-authentik-embedded-outpost',
        ) as Obj;
        assert.deepEqual((service.spec as { selector: unknown }).selector, {
          'app.kubernetes.io/name': 'authentik',
          'app.kubernetes.io/component': 'server',
        });
      } finally {
        await k.close();
      }
    });

    it('routes each provider host with an HTTPRoute, and grants the reference when routes move (seed 003)', async () => {
      const k = await kubernetesTest(backend, { crds: ALL_CRDS });
      try {
        const hosts = [await k.provider('prometheus'), await k.provider('grafana')];
        const config = {
          kubernetes_namespace: 'authentik-outpost',
          kubernetes_httproute_parent_refs: [{ name: 'traefik-gateway', namespace: 'traefik' }],
        };
        const outpost = await k.outpost('k8s outpost', hosts, config);
        await reconcileOutpost(k.t.ctx, outpost);
        const route = k.cluster.object(
          'gateway.networking.k8s.io/v1',
          'HTTPRoute',
          'authentik-outpost',
          'ak-outpost-k8s-outpost-prometheus.example.com',
        ) as Obj;
        assert.deepEqual(route.spec, {
          parentRefs: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              name: 'traefik-gateway',
              namespace: 'traefik',
            },
          ],
          hostnames: ['prometheus.example.com'],
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/outpost.goauthentik.io/' } }],
              backendRefs: [{ name: 'ak-outpost-k8s-outpost', namespace: 'authentik-outpost', port: 9000 }],
            },
          ],
        });
        assert.equal(k.cluster.objects().filter((o) => o.kind === 'ReferenceGrant').length, 0);
        await k.api.patch(`/api/v3/outposts/instances/${outpost}/`, {
          config: {
            ...config,
            authentik_host: 'https://id.example.com/',
            kubernetes_json_patches: {
              httproute: [{ op: 'replace', path: '/metadata/namespace', value: 'monitoring' }],
            },
          },
        });
        assert.equal((await reconcileOutpost(k.t.ctx, outpost))?.status, 'done');
        const routes = kinds(k.cluster.objects().filter((o) => o.kind === 'HTTPRoute'));
        assert.deepEqual(routes, [
          'HTTPRoute monitoring/ak-outpost-k8s-outpost-grafana.example.com',
          'HTTPRoute monitoring/ak-outpost-k8s-outpost-prometheus.example.com',
        ]);
        const grant = k.cluster.object(
          'gateway.networking.k8s.io/v1beta1',
          'ReferenceGrant',
          'authentik-outpost',
          'ak-outpost-k8s-outpost',
        ) as Obj;
        assert.deepEqual(grant.spec, {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'monitoring' }],
          to: [{ group: '', kind: 'Service', name: 'ak-outpost-k8s-outpost' }],
        });
      } finally {
        await k.close();
      }
    });

    it('renders with `outpost manifest --format kubernetes` exactly what the controller applies', async () => {
      const k = await kubernetesTest(backend);
      try {
        const outpost = await k.outpost('Same', [await k.provider('same', 'proxy')], {
          kubernetes_replicas: 3,
        });
        await reconcileOutpost(k.t.ctx, outpost);
        const sent = k.cluster.writes().map((w) => w.body);
        const res = await k.t.app.inject({
          url: `/api/v3/outposts/instances/${outpost}/manifest/?format=kubernetes`,
          headers: k.t.adminHeaders,
        });
        const manifest = parseAllDocuments((res.json() as { manifest: string }).manifest).map(
          (d) => d.toJS() as unknown,
        );
        assert.equal(sent.length, 5);
        assert.deepEqual(manifest, sent);
      } finally {
        await k.close();
      }
    });
  });
}
