import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '../../support/databases.ts';
import { insertTestProvider } from '../../support/outposts.ts';
import { dockerdUnavailable, startDockerd, type TestDockerd, waitFor } from './support/dockerd.ts';
import { createConnection, createDockerTestApp, type DockerTestApp } from './support/harness.ts';
import { startSocketProxy, type SocketProxy } from './support/socket-proxy.ts';
import { importTestImage } from './support/test-image.ts';

const IMAGE = 'palisade-test-outpost:1';
const IMAGE_2 = 'palisade-test-outpost:2';
const hex = (uuid: string) => uuid.replaceAll('-', '');

interface Inspect {
  Id: string;
  Name: string;
  Config: { Image: string; Env: string[]; Labels: Record<string, string>; Healthcheck?: { Test: string[] } };
  HostConfig: {
    NetworkMode: string;
    RestartPolicy: { Name: string };
    PortBindings: Record<string, { HostPort: string }[]> | null;
  };
  State: { Running: boolean; StartedAt: string; Health?: { Status: string } };
}

const skip = dockerdUnavailable();

describe(
  'Docker controller against a real dockerd, through a socket proxy allowing only the seed 001 calls',
  { skip },
  () => {
    let dockerd: TestDockerd;
    let proxy: SocketProxy;
    const inspect = async (name: string) => JSON.parse(await dockerd.docker('inspect', name))[0] as Inspect;
    const exists = async (name: string) =>
      (await dockerd.docker('ps', '-aq', '--filter', `name=^/${name}$`)).trim() !== '';

    before(async () => {
      dockerd = await startDockerd();
      await importTestImage(dockerd, IMAGE);
      await dockerd.docker('tag', IMAGE, IMAGE_2);
      await dockerd.docker('network', 'create', 'outposts-net');
      proxy = await startSocketProxy(dockerd.socket);
    });
    after(async () => {
      await proxy?.close();
      await dockerd?.stop();
    });

    for (const backend of testBackends()) {
      describe(`on ${backend.name}`, () => {
        let d: DockerTestApp;
        let connection: string;
        let ldap: number;
        before(async () => {
          d = await createDockerTestApp(backend);
          connection = await createConnection(d.api, { name: `proxy-${backend.name}`, url: proxy.url });
          ldap = await insertTestProvider(d.t.db, 'ldap', 'Directory');
        });
        after(() => d.close());

        const createOutpost = async (name: string, config: Record<string, unknown>) => {
          const mark = d.mark();
          const res = await d.api.post('/api/v3/outposts/instances/', {
            name,
            type: 'ldap',
            providers: [ldap],
            service_connection: connection,
            config: {
              authentik_host: 'https://Core.Example.com/',
              container_image: IMAGE,
              docker_map_ports: false,
              ...config,
            },
          });
          assert.equal(res.statusCode, 201, res.body);
          const created = res.json() as { pk: string; config: Record<string, unknown> };
          await d.settle(created.pk, mark);
          return created;
        };
        const patchConfig = async (uuid: string, config: Record<string, unknown>) => {
          const current = (
            (await d.api.get(`/api/v3/outposts/instances/${uuid}/`)).json() as { config: object }
          ).config;
          const mark = d.mark();
          const res = await d.api.patch(`/api/v3/outposts/instances/${uuid}/`, {
            config: { ...current, ...config },
          });
          assert.equal(res.statusCode, 200, res.body);
          await d.settle(uuid, mark);
        };

        it('creates the container with every property the outpost asks for, on creating the outpost', async () => {
          const outpost = await createOutpost(`Dir ${backend.name}`, {
            docker_labels: { 'com.example.team': 'id' },
          });
          const name = `ak-outpost-dir-${backend.name}`;
          const c = await inspect(name);
          assert.equal(c.Config.Image, IMAGE);
          assert.ok(
            c.Config.Env.includes('AUTHENTIK_HOST=https://core.example.com/'),
            'AUTHENTIK_HOST lower-cased',
          );
          assert.ok(c.Config.Env.includes('AUTHENTIK_INSECURE=false'));
          const token = c.Config.Env.find((e) => e.startsWith('AUTHENTIK_TOKEN='));
          assert.ok(token && token.length > 'AUTHENTIK_TOKEN='.length + 20, 'the outpost token is passed');
          assert.equal(c.Config.Labels['io.goauthentik.outpost-uuid'], hex(outpost.pk));
          assert.equal(c.Config.Labels['com.example.team'], 'id');
          assert.equal(c.HostConfig.RestartPolicy.Name, 'unless-stopped');
          assert.deepEqual(c.HostConfig.PortBindings ?? {}, {}, 'docker_map_ports false publishes nothing');
          assert.deepEqual(
            c.Config.Healthcheck?.Test,
            ['CMD', '/bin/node', '/app/health.js'],
            "the image's check",
          );
          assert.equal(c.State.Running, true);
          await waitFor(
            async () => (await inspect(name)).State.Health?.Status === 'healthy',
            'health',
            { exitCode: null } as never,
            () => '',
          );
          assert.ok(
            proxy.calls.every((call) => call.allowed),
            'only permitted calls were made',
          );
        });

        it('makes no write call when nothing changed', async () => {
          const outpost = await createOutpost(`Quiet ${backend.name}`, {});
          const before = proxy.writes().length;
          assert.equal(await d.integration.reconcile(outpost.pk), true);
          assert.equal(proxy.writes().length, before, JSON.stringify(proxy.writes().slice(before)));
          assert.ok((await d.messages(outpost.pk)).includes('Container is running'));
        });

        for (const [what, change] of [
          ['image', { container_image: IMAGE_2 }],
          ['environment', { authentik_host: 'https://other.example.com/' }],
          ['labels', { docker_labels: { 'com.example.team': 'changed' } }],
          ['network', { docker_network: 'outposts-net' }],
        ] as const) {
          it(`re-creates the container when its ${what} drifted`, async () => {
            const outpost = await createOutpost(`Drift ${what} ${backend.name}`, {
              docker_labels: { 'com.example.team': 'id' },
            });
            const name = `ak-outpost-drift-${what}-${backend.name}`;
            const first = await inspect(name);
            await patchConfig(outpost.pk, change);
            const second = await inspect(name);
            assert.notEqual(second.Id, first.Id, 're-created');
            assert.equal(second.State.Running, true);
            if (what === 'image') assert.equal(second.Config.Image, IMAGE_2);
            if (what === 'environment')
              assert.ok(second.Config.Env.includes('AUTHENTIK_HOST=https://other.example.com/'));
            if (what === 'labels') assert.equal(second.Config.Labels['com.example.team'], 'changed');
            if (what === 'network') assert.equal(second.HostConfig.NetworkMode, 'outposts-net');
          });
        }

        it('re-creates the container when its ports drifted, and publishes the LDAP ports (not 9300)', async () => {
          const outpost = await createOutpost(`Ports ${backend.name}`, {});
          const name = `ak-outpost-ports-${backend.name}`;
          const first = await inspect(name);
          // Only one test binds host ports: they are fixed per outpost type and would collide.
          await patchConfig(outpost.pk, { docker_map_ports: true });
          const second = await inspect(name);
          assert.notEqual(second.Id, first.Id);
          assert.deepEqual(second.HostConfig.PortBindings, {
            '3389/tcp': [{ HostIp: '', HostPort: '389' }],
            '6636/tcp': [{ HostIp: '', HostPort: '636' }],
          });
          await patchConfig(outpost.pk, { docker_map_ports: false });
          assert.deepEqual((await inspect(name)).HostConfig.PortBindings ?? {}, {});
        });

        it('starts a stopped container and restarts an unhealthy one', async () => {
          const outpost = await createOutpost(`Care ${backend.name}`, {});
          const name = `ak-outpost-care-${backend.name}`;
          await dockerd.docker('stop', '-t', '1', name);
          assert.equal((await inspect(name)).State.Running, false);
          await d.integration.reconcile(outpost.pk);
          assert.equal((await inspect(name)).State.Running, true);
          assert.ok((await d.messages(outpost.pk)).includes('Container is not running, restarting...'));

          await dockerd.docker(
            'exec',
            name,
            '/bin/node',
            '-e',
            "require('fs').writeFileSync('/tmp/unhealthy', '')",
          );
          await waitFor(
            async () => (await inspect(name)).State.Health?.Status === 'unhealthy',
            'unhealthy',
            { exitCode: null } as never,
            () => '',
          );
          const startedAt = (await inspect(name)).State.StartedAt;
          await d.integration.reconcile(outpost.pk);
          const after = await inspect(name);
          assert.notEqual(after.State.StartedAt, startedAt, 'started again');
          assert.equal(after.State.Running, true);
          assert.ok((await d.messages(outpost.pk)).includes('Container is unhealthy, restarting...'));
        });

        it('removes the old container after a rename, and the container when the outpost is deleted', async () => {
          const outpost = await createOutpost(`Gone ${backend.name}`, {});
          assert.ok(await exists(`ak-outpost-gone-${backend.name}`));
          let mark = d.mark();
          const res = await d.api.patch(`/api/v3/outposts/instances/${outpost.pk}/`, {
            name: `Renamed ${backend.name}`,
          });
          assert.equal(res.statusCode, 200);
          await d.settle(outpost.pk, mark);
          assert.equal(await exists(`ak-outpost-gone-${backend.name}`), false);
          assert.ok(await exists(`ak-outpost-renamed-${backend.name}`));
          mark = d.mark();
          assert.equal((await d.api.delete(`/api/v3/outposts/instances/${outpost.pk}/`)).statusCode, 204);
          await d.settle(outpost.pk, mark);
          assert.equal(await exists(`ak-outpost-renamed-${backend.name}`), false);
          assert.ok(
            (await d.messages(outpost.pk)).includes(
              'Outpost deleted or moved off Docker: removed what was deployed for it.',
            ),
          );
          const left = await d.t.db.query('SELECT 1 FROM docker_deployments WHERE outpost_uuid = $1', [
            outpost.pk,
          ]);
          assert.equal(left.length, 0, 'the deployment record is forgotten');
        });

        it('removes the container when the outpost moves off Docker, and when its connection is deleted', async () => {
          const other = await createConnection(d.api, { name: `second-${backend.name}`, url: proxy.url });
          let mark = d.mark();
          const res = await d.api.post('/api/v3/outposts/instances/', {
            name: `Moving ${backend.name}`,
            type: 'ldap',
            providers: [ldap],
            service_connection: other,
            config: { container_image: IMAGE, docker_map_ports: false },
          });
          assert.equal(res.statusCode, 201);
          const uuid = (res.json() as { pk: string }).pk;
          await d.settle(uuid, mark);
          const name = `ak-outpost-moving-${backend.name}`;
          assert.ok(await exists(name));
          const move = async (serviceConnection: string | null) => {
            mark = d.mark();
            const moved = await d.api.patch(`/api/v3/outposts/instances/${uuid}/`, {
              service_connection: serviceConnection,
            });
            assert.equal(moved.statusCode, 200, moved.body);
            await d.settle(uuid, mark);
          };
          await move(null);
          assert.equal(await exists(name), false, 'moved off Docker: its container is removed');
          await move(other);
          assert.ok(await exists(name), 'back on the connection');
          assert.equal(
            (await d.api.delete(`/api/v3/outposts/service_connections/docker/${other}/`)).statusCode,
            204,
          );
          assert.equal(await exists(name), false);
          const outpost = (await d.api.get(`/api/v3/outposts/instances/${uuid}/`)).json();
          assert.equal((outpost as { service_connection: string | null }).service_connection, null);
        });

        it('never made a call the socket proxy refuses', () => {
          assert.deepEqual(
            proxy.calls.filter((c) => !c.allowed),
            [],
          );
        });
      });
    }
  },
);
