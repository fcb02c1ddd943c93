import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertApplication } from '../../../src/applications/applications-repository.ts';
import { reconcileOutpost } from '../../../src/integrations/kubernetes/controller.ts';
import { testBackends } from '../../support/databases.ts';
import { flowPks } from '../../support/flows.ts';
import { kubernetesTest, type Obj } from './setup.ts';

type Port = { name: string; port: number; targetPort: number; protocol: string };

/**
 * LDAP and RADIUS outposts made with their real providers, deployed by the Kubernetes controller against
 * the stand-in API server (stand-in-api.ts; NO REAL CLUSTER: none can run here).
 */
for (const backend of testBackends()) {
  describe(`Kubernetes deployment of LDAP and RADIUS outposts (stand-in API server), on ${backend.name}`, () => {
    it('serves ldap/ldaps and radius over UDP, keeps metrics off the data Service, and changes its type in place', async () => {
      const k = await kubernetesTest(backend);
      try {
        const flows = await flowPks(k.api);
        const common = (name: string) => ({
          name,
          authorization_flow: flows['default-authentication-flow'],
          invalidation_flow: flows['default-invalidation-flow'],
        });
        const ldap = await k.api.post('/api/v3/providers/ldap/', common('Directory'));
        const radius = await k.api.post('/api/v3/providers/radius/', common('Wifi'));
        const ldapPk = (ldap.json() as { pk: number }).pk;
        const radiusPk = (radius.json() as { pk: number }).pk;
        await insertApplication(k.t.db, { name: 'directory', slug: 'directory', providerId: ldapPk });
        const ldapOutpost = await k.outpost(
          'Directory',
          [ldapPk],
          { kubernetes_service_type: 'LoadBalancer' },
          'ldap',
        );
        const radiusOutpost = await k.outpost('Wifi', [radiusPk], {}, 'radius');
        for (const outpost of [ldapOutpost, radiusOutpost]) {
          const run = await reconcileOutpost(k.t.ctx, outpost);
          assert.equal(run?.status, 'done', JSON.stringify(run?.lines));
        }
        const service = (name: string) => k.cluster.object('v1', 'Service', 'outposts', name) as Obj;
        const spec = (name: string) => service(name).spec as { type: string; ports: Port[] };
        assert.equal(spec('ak-outpost-directory').type, 'LoadBalancer');
        assert.deepEqual(
          spec('ak-outpost-directory').ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]),
          [
            ['ldap', 389, 3389, 'TCP'],
            ['ldaps', 636, 6636, 'TCP'],
          ],
        );
        assert.deepEqual(
          spec('ak-outpost-wifi').ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]),
          [['radius', 1812, 1812, 'UDP']],
        );
        for (const name of ['ak-outpost-directory-metrics', 'ak-outpost-wifi-metrics'])
          assert.deepEqual(
            spec(name).ports.map((p) => [p.port, p.protocol]),
            [[9300, 'TCP']],
            name,
          );

        k.cluster.requests.length = 0;
        const again = await reconcileOutpost(k.t.ctx, ldapOutpost);
        assert.equal(again?.status, 'done');
        assert.deepEqual(k.cluster.writes(), [], 'a LoadBalancer Service is not rewritten on every run');

        const changed = await k.api.patch(`/api/v3/outposts/instances/${ldapOutpost}/`, {
          config: {
            authentik_host: 'https://id.example.com/',
            kubernetes_namespace: 'outposts',
            kubernetes_service_type: 'NodePort',
          },
        });
        assert.equal(changed.statusCode, 200, changed.body);
        const uid = service('ak-outpost-directory').metadata.uid;
        k.cluster.requests.length = 0;
        assert.equal((await reconcileOutpost(k.t.ctx, ldapOutpost))?.status, 'done');
        assert.equal(spec('ak-outpost-directory').type, 'NodePort');
        assert.equal(service('ak-outpost-directory').metadata.uid, uid, 'the same Service, changed in place');
        assert.ok(!k.cluster.writes().some((w) => w.method === 'DELETE'), 'nothing deleted');
      } finally {
        await k.close();
      }
    });
  });
}
