import assert from 'node:assert/strict';
import { apiClient } from '../../../support/api-client.ts';
import { createTestApp, type TestApp } from '../../../support/app.ts';
import type { TestBackend } from '../../../support/databases.ts';
import { dockerTaskUid } from '../../../../src/integrations/docker/controller.ts';
import {
  type DockerIntegration,
  startDockerIntegration,
} from '../../../../src/integrations/docker/integration.ts';
import { subscribeClusterBus } from '../../../../src/outposts/hub/cluster-bus.ts';
import type { TaskLogLine } from '../../../../src/integrations/tasks.ts';

/** A core app with its Docker integration, and what its controller wrote to the system tasks. */
export interface DockerTestApp {
  t: TestApp;
  api: ReturnType<typeof apiClient>;
  integration: DockerIntegration;
  /** The log lines of an outpost's last two Docker controller runs (system_tasks `<uuid>/docker`). */
  messages(outpostUuid: string): Promise<string[]>;
  /**
   * Waits until the cluster bus has carried a change of `outpostUuid` (published after `mark()` answered)
   * and the runs it started have ended: the controller is triggered by the bus, not by the API call.
   */
  settle(outpostUuid: string, since: number): Promise<void>;
  /** A position in what the bus carried so far, for settle(). */
  mark(): number;
  close(): Promise<void>;
}

/**
 * Builds the app and starts its Docker integration as startIntegrations does, with discovery off (the host's
 * own socket must not leak into a test).
 */
export async function createDockerTestApp(backend: TestBackend): Promise<DockerTestApp> {
  const t = await createTestApp(backend, { PALISADE_OUTPOSTS__DISCOVER: 'false' });
  await t.app.ready();
  const integration = await startDockerIntegration(t.ctx, t.app.log);
  // Seconds, not the reference's 100 s, to turn unhealthy (durations in nanoseconds).
  integration.options.healthcheck = { Interval: 1e9, Retries: 2, StartPeriod: 1e9 };
  // Subscribed after the integration: a message reaches it first, so once heard here
  // its run is already queued.
  const heard: string[][] = [];
  const unsubscribe = await subscribeClusterBus(t.db, {
    onMessage: (m) => {
      if (m.type === 'outposts.update') heard.push(m.outpost_uuids);
    },
    onMalformed: () => {},
    onResubscribed: () => {},
  });
  return {
    t,
    api: apiClient(t.app, t.adminHeaders),
    integration,
    async messages(outpostUuid) {
      const rows = await t.db.query<{ logs: TaskLogLine[]; previous_logs: TaskLogLine[] }>(
        "SELECT logs, previous_logs FROM system_tasks WHERE actor_name = 'outpost_controller' AND uid = $1",
        [dockerTaskUid(outpostUuid)],
      );
      return rows.flatMap((r) => [...r.previous_logs, ...r.logs].map((l) => l.event));
    },
    mark: () => heard.length,
    async settle(outpostUuid, since) {
      for (let i = 0; i < 500 && !heard.slice(since).some((u) => u.includes(outpostUuid)); i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.ok(
        heard.slice(since).some((u) => u.includes(outpostUuid)),
        `no outposts.update for ${outpostUuid}`,
      );
      await integration.idle();
    },
    close: async () => {
      await unsubscribe();
      await integration.stop();
      await t.close();
    },
  };
}

/** Creates a Docker connection through the API and answers its uuid. */
export async function createConnection(
  api: DockerTestApp['api'],
  body: Record<string, unknown>,
): Promise<string> {
  const res = await api.post('/api/v3/outposts/service_connections/docker/', body);
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { pk: string }).pk;
}
