import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutpostTokenRotation } from '@palisade/schema/api/service-connections';
import { reconcileOutpost } from '../../../src/integrations/kubernetes/controller.ts';
import { startKubernetesIntegration } from '../../../src/integrations/kubernetes/runtime.ts';
import { TOKEN_ANNOTATION } from '../../../src/integrations/kubernetes/workload-objects.ts';
import { testBackends } from '../../support/databases.ts';
import { kubernetesTest } from './setup.ts';

/** Token rotation and change-driven runs, against the stand-in API server (no real cluster). */

type Deployment = { spec: { template: { metadata: { annotations: Record<string, string> } } } };

for (const backend of testBackends()) {
  describe(`Kubernetes token rotation and triggers (stand-in API server), on ${backend.name}`, () => {
    it('rotates a token: new Secret, then a rollout, and the old token revoked only once new pods are ready', async () => {
      const k = await kubernetesTest(backend);
      try {
        const outpost = await k.outpost('Rotating', [await k.provider('rotating')]);
        await reconcileOutpost(k.t.ctx, outpost);
        const secretToken = () => {
          const secret = k.cluster.object('v1', 'Secret', 'outposts', 'ak-outpost-rotating') as {
            data: { token: string };
          };
          return Buffer.from(secret.data.token, 'base64').toString();
        };
        const digest = () =>
          (
            k.cluster.object(
              'apps/v1',
              'Deployment',
              'outposts',
              'ak-outpost-rotating',
            ) as unknown as Deployment
          ).spec.template.metadata.annotations[TOKEN_ANNOTATION];
        const oldToken = secretToken();
        const oldDigest = digest();
        const whoAmI = (token: string) =>
          k.t.app.inject({
            url: '/api/v3/outposts/instances/',
            headers: { authorization: `Bearer ${token}` },
          });
        assert.equal((await whoAmI(oldToken)).statusCode, 200);

        const res = await k.t.app.inject({
          method: 'POST',
          url: `/api/v3/outposts/instances/${outpost}/rotate_token/`,
          headers: k.t.adminHeaders,
        });
        assert.equal(res.statusCode, 200, res.body);
        // The shape of OutpostTokenRotation (a Palisade extension, not in the contract).
        assert.deepEqual(res.json(), {
          outpost,
          token_identifier: `ak-outpost-${outpost}-api`,
          retiring_token_identifier: `ak-outpost-${outpost}-api-retiring`,
        });
        assert.deepEqual(
          Object.keys(OutpostTokenRotation.properties).sort(),
          Object.keys(res.json() as object).sort(),
        );
        const again = await k.t.app.inject({
          method: 'POST',
          url: `/api/v3/outposts/instances/${outpost}/rotate_token/`,
          headers: k.t.adminHeaders,
        });
        assert.equal(again.statusCode, 400, 'one rotation at a time');

        k.cluster.requests.length = 0;
        const run = await reconcileOutpost(k.t.ctx, outpost);
        assert.deepEqual(
          k.cluster.writes().map((w) => w.path.split('/').at(-2)),
          ['secrets', 'deployments'],
          'the Secret first, then the Deployment',
        );
        const newToken = secretToken();
        assert.notEqual(newToken, oldToken);
        assert.notEqual(digest(), oldDigest, 'the pod template changed: the pods roll');
        assert.ok(run?.lines.some((l) => l.event.includes('waiting for the new pods')));
        assert.equal((await whoAmI(oldToken)).statusCode, 200, 'old pods keep working meanwhile');
        assert.equal((await whoAmI(newToken)).statusCode, 200);

        k.cluster.rollOut('outposts', 'ak-outpost-rotating');
        k.cluster.requests.length = 0;
        const done = await reconcileOutpost(k.t.ctx, outpost);
        assert.ok(
          done?.lines.some((l) => l.event.includes('revoked the previous token')),
          JSON.stringify(done?.lines),
        );
        assert.deepEqual(k.cluster.writes(), [], 'a status change alone is no reason to apply');
        assert.equal((await whoAmI(oldToken)).statusCode, 403);
        assert.equal((await whoAmI(newToken)).statusCode, 200);
      } finally {
        await k.close();
      }
    });

    it('runs the controller on changes announced on the cluster bus (a provider host, an outpost delete)', async () => {
      const k = await kubernetesTest(backend);
      const integration = await startKubernetesIntegration(k.t.ctx, k.t.app.log, { rotationPollMs: 60_000 });
      try {
        const provider = await k.provider('first');
        const outpost = await k.outpost('Triggered', [provider]);
        const ingressHost = () =>
          (
            k.cluster.object('networking.k8s.io/v1', 'Ingress', 'outposts', 'ak-outpost-triggered') as
              { spec: { rules: Array<{ host: string }> } } | undefined
          )?.spec.rules[0]?.host;
        const eventually = async (check: () => boolean, what: string) => {
          for (let i = 0; i < 100 && !check(); i++) {
            await new Promise((r) => setTimeout(r, 50));
            await integration.idle();
          }
          assert.ok(check(), what);
        };
        await eventually(() => ingressHost() === 'first.example.com', 'the new outpost is deployed');
        const changed = await k.api.patch(`/api/v3/providers/proxy/${provider}/`, {
          external_host: 'https://renamed.example.com',
        });
        assert.equal(changed.statusCode, 200, changed.body);
        await eventually(
          () => ingressHost() === 'renamed.example.com',
          'the provider change reaches the Ingress',
        );
        await k.api.delete(`/api/v3/outposts/instances/${outpost}/`);
        await eventually(() => k.cluster.objects().length === 0, 'the deleted outpost is torn down');
      } finally {
        await integration.stop();
        await k.close();
      }
    });
  });
}
