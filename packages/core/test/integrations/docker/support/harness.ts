import assert from 'node:assert/strict';
import { apiClient } from '../../../support/api-client.ts';
import { createTestApp, type TestApp } from '../../../support/app.ts';
import type { TestBackend } from '../../../support/databases.ts';
import {
  dockerIntegrationOf,
  type DockerIntegration,
} from '../../../../src/integrations/docker/integration.ts';
import { openLoggingTaskLog, type TaskLogRecord } from '../../../../src/integrations/docker/task-log.ts';

/** A core app whose Docker integration writes its task logs where the test reads them. */
export interface DockerTestApp {
  t: TestApp;
  api: ReturnType<typeof apiClient>;
  integration: DockerIntegration;
  tasks: TaskLogRecord[];
  /** The messages of every task log of `uid` so far. */
  messages(uid: string): string[];
  close(): Promise<void>;
}

/** Builds the app with discovery off (the host's own socket must not leak into a test). */
export async function createDockerTestApp(backend: TestBackend): Promise<DockerTestApp> {
  const t = await createTestApp(backend, { PALISADE_OUTPOSTS__DISCOVER: 'false' });
  await t.app.ready();
  const tasks: TaskLogRecord[] = [];
  const integration = dockerIntegrationOf(t.ctx);
  integration.options.openTaskLog = openLoggingTaskLog(t.app.log, tasks);
  // Seconds, not the reference's 100 s, to turn unhealthy (durations in nanoseconds).
  integration.options.healthcheck = { Interval: 1e9, Retries: 2, StartPeriod: 1e9 };
  return {
    t,
    api: apiClient(t.app, t.adminHeaders),
    integration,
    tasks,
    messages: (uid) => tasks.filter((r) => r.uid === uid).flatMap((r) => r.messages.map((m) => m.message)),
    close: () => t.close(),
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
