import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverLocalCluster } from '../../../src/integrations/kubernetes/runtime.ts';
import { configureKubernetes } from '../../../src/integrations/kubernetes/options.ts';
import { apiClient } from '../../support/api-client.ts';
import { createTestApp } from '../../support/app.ts';
import { testBackends } from '../../support/databases.ts';
import { kubeconfigFor } from './setup.ts';
import { startStandInApi } from './stand-in-api.ts';

/** Kubernetes service connections over the API; state checks reach the stand-in API server (no real cluster). */

const BASE = '/api/v3/outposts/service_connections/kubernetes/';

for (const backend of testBackends()) {
  describe(`Kubernetes service connections, on ${backend.name}`, () => {
    it('creates, lists, changes and deletes connections; outposts name them and fall back to null', async () => {
      const t = await createTestApp(backend);
      const cluster = await startStandInApi();
      try {
        const api = apiClient(t.app, t.adminHeaders);
        const created = await api.post(BASE, {
          name: 'prod',
          kubeconfig: kubeconfigFor(cluster),
          verify_ssl: true,
        });
        assert.equal(created.statusCode, 201, created.body);
        const connection = created.json() as {
          pk: string;
          component: string;
          meta_model_name: string;
          kubeconfig: object;
        };
        assert.equal(connection.component, 'ak-service-connection-kubernetes-form');
        assert.deepEqual(connection.kubeconfig, kubeconfigFor(cluster));
        assert.equal(
          (await api.post(BASE, { name: 'prod', local: true })).statusCode,
          400,
          'names are unique',
        );
        const local = await api.post(BASE, { name: 'in-cluster', local: true });
        assert.equal(local.statusCode, 201);
        const filtered = (await api.get(`${BASE}?local=true`)).json() as { results: Array<{ name: string }> };
        assert.deepEqual(
          filtered.results.map((c) => c.name),
          ['in-cluster'],
        );
        const all = (await api.get('/api/v3/outposts/service_connections/all/')).json() as {
          results: Array<{ name: string }>;
        };
        assert.deepEqual(
          all.results.map((c) => c.name),
          ['in-cluster', 'prod'],
        );
        const types = (await api.get('/api/v3/outposts/service_connections/all/types/')).json() as Array<{
          model_name: string;
        }>;
        assert.deepEqual(
          types.map((x) => x.model_name),
          ['kubernetesserviceconnection', 'dockerserviceconnection'],
        );
        const renamed = await api.patch(`${BASE}${connection.pk}/`, { name: 'production' });
        assert.equal((renamed.json() as { name: string }).name, 'production');

        const unknown = await api.post('/api/v3/outposts/instances/', {
          name: 'x',
          type: 'proxy',
          providers: [],
          config: {},
          service_connection: '00000000-0000-4000-8000-000000000000',
        });
        assert.equal(unknown.statusCode, 400);
        assert.match(unknown.body, /service_connection/);
        const embedded = (
          (
            await api.get('/api/v3/outposts/instances/?managed__iexact=goauthentik.io/outposts/embedded')
          ).json() as {
            results: Array<{ pk: string }>;
          }
        ).results[0]?.pk;
        const linked = await api.patch(`/api/v3/outposts/instances/${embedded}/`, {
          service_connection: connection.pk,
        });
        assert.equal((linked.json() as { service_connection: string }).service_connection, connection.pk);
        const usedBy = (await api.get(`${BASE}${connection.pk}/used_by/`)).json() as Array<{
          name: string;
          action: string;
        }>;
        assert.deepEqual(usedBy, [
          {
            app: 'authentik_outposts',
            model_name: 'outpost',
            pk: embedded,
            name: 'authentik Embedded Outpost',
            action: 'set_null',
          },
        ]);
        assert.equal(
          (await api.delete(`/api/v3/outposts/service_connections/all/${connection.pk}/`)).statusCode,
          204,
        );
        const after = (await api.get(`/api/v3/outposts/instances/${embedded}/`)).json() as {
          service_connection: unknown;
        };
        assert.equal(after.service_connection, null, 'ON DELETE SET NULL');
        assert.equal((await api.get(`${BASE}${connection.pk}/`)).statusCode, 404);
      } finally {
        await cluster.close();
        await t.close();
      }
    });

    it('validates kubeconfigs on save with a 400 naming what is wrong', async () => {
      const t = await createTestApp(backend);
      try {
        const api = apiClient(t.app, t.adminHeaders);
        const problem = async (body: Record<string, unknown>) => {
          const res = await api.post(BASE, { name: `c-${Math.random()}`, ...body });
          assert.equal(res.statusCode, 400, res.body);
          return ((res.json() as { kubeconfig?: string[] }).kubeconfig ?? []).join(' ');
        };
        assert.match(await problem({}), /only use an empty kubeconfig when connecting to a local cluster/);
        assert.match(await problem({ kubeconfig: { clusters: [] } }), /current-context/);
        const config = kubeconfigFor({
          url: 'https://10.0.0.1:6443',
          ca: '-----BEGIN CERTIFICATE-----',
          token: 't',
        });
        assert.match(
          await problem({ kubeconfig: { ...config, 'current-context': 'other' } }),
          /contexts: no entry named "other"/,
        );
        const exec = { ...config, users: [{ name: 'palisade', user: { exec: { command: 'aws' } } }] };
        assert.match(
          await problem({ kubeconfig: exec }),
          /users\[0\]\.user\.exec: running commands is not supported/,
        );
        const files = {
          ...config,
          clusters: [
            { name: 'stand-in', cluster: { server: 'https://x', 'certificate-authority': '/etc/ca.pem' } },
          ],
        };
        assert.match(
          await problem({ kubeconfig: files }),
          /certificate-authority: file paths are not supported/,
        );
        const badServer = { ...config, clusters: [{ name: 'stand-in', cluster: { server: 'ftp://x' } }] };
        assert.match(await problem({ kubeconfig: badServer }), /server: must be an http\(s\) URL/);
        assert.equal((await api.post(BASE, { name: 'bad type', kubeconfig: 'yaml' })).statusCode, 400);
      } finally {
        await t.close();
      }
    });

    it('checks state on demand: healthy with the server version, unhealthy when refused or unreachable', async () => {
      const t = await createTestApp(backend);
      const cluster = await startStandInApi();
      try {
        const api = apiClient(t.app, t.adminHeaders);
        const state = async (kubeconfig: object, verify = true) => {
          const res = await api.post(BASE, { name: `c-${Math.random()}`, kubeconfig, verify_ssl: verify });
          return (
            await api.get(
              `/api/v3/outposts/service_connections/all/${(res.json() as { pk: string }).pk}/state/`,
            )
          ).json();
        };
        assert.deepEqual(await state(kubeconfigFor(cluster)), { healthy: true, version: 'v1.31.4' });
        assert.deepEqual(await state(kubeconfigFor(cluster, 'wrong-token')), { healthy: false, version: '' });
        const untrusted = {
          ...kubeconfigFor(cluster),
          clusters: [{ name: 'stand-in', cluster: { server: cluster.url } }],
        };
        assert.deepEqual(
          await state(untrusted),
          { healthy: false, version: '' },
          'its certificate is not trusted',
        );
        assert.deepEqual(
          await state(untrusted, false),
          { healthy: true, version: 'v1.31.4' },
          'verify_ssl false',
        );
        const gone = {
          ...kubeconfigFor(cluster),
          clusters: [{ name: 'stand-in', cluster: { server: 'https://127.0.0.1:1' } }],
        };
        assert.deepEqual(await state(gone), { healthy: false, version: '' });
      } finally {
        await cluster.close();
        await t.close();
      }
    });

    it('creates the local connection at start inside a cluster, once, and reaches the API through it', async () => {
      const t = await createTestApp(backend);
      const cluster = await startStandInApi();
      const dir = await mkdtemp(join(tmpdir(), 'palisade-sa-'));
      try {
        const api = apiClient(t.app, t.adminHeaders);
        configureKubernetes(t.ctx, { inCluster: { serviceAccountDir: join(dir, 'absent'), env: {} } });
        assert.equal(await discoverLocalCluster(t.ctx, t.app.log), false, 'not in a cluster');
        await writeFile(join(dir, 'token'), `${cluster.token}\n`);
        await writeFile(join(dir, 'ca.crt'), cluster.ca);
        await writeFile(join(dir, 'namespace'), 'authentik');
        const port = new URL(cluster.url).port;
        configureKubernetes(t.ctx, {
          inCluster: {
            serviceAccountDir: dir,
            env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port },
          },
        });
        assert.equal(await discoverLocalCluster(t.ctx, t.app.log), true);
        assert.equal(await discoverLocalCluster(t.ctx, t.app.log), false, 'only once');
        const list = (await api.get(`${BASE}?local=true`)).json() as {
          results: Array<{ pk: string; name: string }>;
        };
        assert.deepEqual(
          list.results.map((c) => c.name),
          ['Local Kubernetes Cluster'],
        );
        const state = await api.get(`/api/v3/outposts/service_connections/all/${list.results[0]?.pk}/state/`);
        assert.deepEqual(state.json(), { healthy: true, version: 'v1.31.4' });
      } finally {
        await rm(dir, { recursive: true, force: true });
        await cluster.close();
        await t.close();
      }
    });
  });
}
