import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconcileOutpost } from '../../../src/integrations/kubernetes/controller.ts';
import { DEFAULT_CONTAINER_IMAGE_BASE } from '../../../src/outposts/deployment-spec.ts';
import { testBackends } from '../../support/databases.ts';
import { flowPks } from '../../support/flows.ts';
import { ALL_CRDS, kinds, kubernetesTest, type Obj } from './setup.ts';

/**
 * An RAC outpost deployed by the Kubernetes controller against the stand-in API server (NO REAL CLUSTER: none
 * can run here; see stand-in-api.ts): it only dials out, so it gets no data Service, only the metrics one.
 */
for (const backend of testBackends()) {
  describe(`Kubernetes controller for an RAC outpost (stand-in API server), on ${backend.name}`, () => {
    it('deploys an RAC outpost with no data Service and no inbound port but metrics', async () => {
      const k = await kubernetesTest(backend, { crds: ALL_CRDS });
      try {
        const flows = await flowPks(k.api);
        const provider = await k.api.post('/api/v3/providers/rac/', {
          name: 'desktops',
          authorization_flow: flows['default-provider-authorization-implicit-consent'],
        });
        assert.equal(provider.statusCode, 201, provider.body);
        const outpost = await k.outpost('Remote Access', [(provider.json() as { pk: number }).pk], {}, 'rac');
        const run = await reconcileOutpost(k.t.ctx, outpost);
        assert.equal(run?.status, 'done', JSON.stringify(run?.lines));
        assert.deepEqual(kinds(k.cluster.objects()), [
          'Deployment outposts/ak-outpost-remote-access',
          'Secret outposts/ak-outpost-remote-access',
          'Service outposts/ak-outpost-remote-access-metrics',
          'ServiceMonitor outposts/ak-outpost-remote-access',
        ]);
        const metrics = k.cluster.object(
          'v1',
          'Service',
          'outposts',
          'ak-outpost-remote-access-metrics',
        ) as Obj;
        assert.deepEqual(
          (metrics.spec as { ports: Array<{ port: number }> }).ports.map((p) => p.port),
          [9300],
        );
        const deployment = k.cluster.object(
          'apps/v1',
          'Deployment',
          'outposts',
          'ak-outpost-remote-access',
        ) as Obj;
        const container = (
          deployment.spec as {
            template: {
              spec: { containers: Array<{ image: string; ports?: Array<{ containerPort: number }> }> };
            };
          }
        ).template.spec.containers[0];
        assert.deepEqual(
          (container?.ports ?? []).map((p) => p.containerPort),
          [9300],
          'the only port is the metrics one',
        );
        // One Palisade image serves every outpost type (docs/outposts.md, "The outpost image").
        const [repository] = DEFAULT_CONTAINER_IMAGE_BASE.split(':');
        assert.ok(String(container?.image).startsWith(`${repository}:`), String(container?.image));
        const labels = deployment.metadata.labels as Record<string, string>;
        assert.equal(labels['app.kubernetes.io/name'], 'authentik-rac');
      } finally {
        await k.close();
      }
    });
  });
}
