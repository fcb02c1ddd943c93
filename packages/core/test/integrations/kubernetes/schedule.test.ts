import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startKubernetesIntegration } from '../../../src/integrations/kubernetes/runtime.ts';
import { testBackends } from '../../support/databases.ts';
import { kubernetesTest } from './setup.ts';

/**
 * The integration's schedule (controllers.md §6), against the stand-in API server (no real cluster): with
 * no change announced on the cluster bus, the scheduled runs still check every connection's state and run
 * the controller for every outpost, each recorded as a system task.
 */

interface Task {
  actor_name: string;
  uid: string;
  aggregated_status: string;
}

for (const backend of testBackends()) {
  describe(`Kubernetes schedule (stand-in API server), on ${backend.name}`, () => {
    it('checks connection state and reconciles every outpost on the schedule, recording both as tasks', async () => {
      const k = await kubernetesTest(backend);
      const outpost = await k.outpost('Scheduled', [await k.provider('scheduled')]);
      const integration = await startKubernetesIntegration(k.t.ctx, k.t.app.log, {
        controllerIntervalMs: 200,
        stateIntervalMs: 200,
        rotationPollMs: 60_000,
      });
      try {
        await integration.idle();
        // From here on only the schedule can send requests: nothing else changes.
        k.cluster.requests.length = 0;
        const scheduledTasks = async () => {
          const res = await k.api.get('/api/v3/tasks/tasks/?page_size=100');
          assert.equal(res.statusCode, 200, res.body);
          return (res.json() as { results: Task[] }).results.filter((t) => t.uid === 'schedule');
        };
        for (let i = 0; i < 100; i++) {
          const seen = new Set(k.cluster.requests.map((r) => r.path));
          const readsDeployment = [...seen].some((p) => p.includes('/deployments/ak-outpost-scheduled'));
          if (seen.has('/version') && readsDeployment) break;
          await new Promise((r) => setTimeout(r, 50));
          await integration.idle();
        }
        const paths = k.cluster.requests.map((r) => r.path);
        assert.ok(paths.includes('/version'), `the state check asked for /version: ${paths.join(' ')}`);
        assert.ok(
          paths.some((p) => p.includes('/deployments/ak-outpost-scheduled')),
          `the scheduled controller run looked at the outpost's Deployment: ${paths.join(' ')}`,
        );
        assert.deepEqual(k.cluster.writes(), [], 'nothing drifted, so the scheduled run wrote nothing');
        const actors = new Set((await scheduledTasks()).map((t) => `${t.actor_name}:${t.aggregated_status}`));
        assert.ok(actors.has('outpost_controller_all:done'), [...actors].join(', '));
        assert.ok(actors.has('outpost_service_connection_monitor:done'), [...actors].join(', '));
        const state = await k.api.get(`/api/v3/outposts/service_connections/all/${k.connection}/state/`);
        assert.equal((state.json() as { healthy: boolean }).healthy, true);
        assert.ok(outpost);
      } finally {
        await integration.stop();
        await k.close();
      }
    });
  });
}
