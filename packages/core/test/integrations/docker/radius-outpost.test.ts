import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '../../support/databases.ts';
import { flowPks } from '../../support/flows.ts';
import { dockerdUnavailable, startDockerd, type TestDockerd } from './support/dockerd.ts';
import { createConnection, createDockerTestApp, type DockerTestApp } from './support/harness.ts';
import { startSocketProxy, type SocketProxy } from './support/socket-proxy.ts';
import { importTestImage } from './support/test-image.ts';

const IMAGE = 'palisade-test-outpost:radius';
const RADIUS_PORT = 1812;

interface Inspect {
  Id: string;
  Config: { ExposedPorts?: Record<string, object> | null };
  HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null };
  State: { Running: boolean };
}

/** Whether nothing on this host holds UDP `port` (the container is about to publish it). */
const isUdpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '0.0.0.0', () => socket.close(() => resolve(true)));
  });

// controllers.md §4: a RADIUS outpost's container serves 1812/udp, published as 1812 with docker_map_ports
// (never the unauthenticated metrics port 9300), and its deployment info (the compose manifest) says so.
describe(
  'Docker controller deploys a RADIUS outpost publishing 1812/udp (real dockerd)',
  { skip: dockerdUnavailable() },
  () => {
    let dockerd: TestDockerd;
    let proxy: SocketProxy;
    const inspect = async (name: string) => JSON.parse(await dockerd.docker('inspect', name))[0] as Inspect;
    before(async () => {
      dockerd = await startDockerd();
      await importTestImage(dockerd, IMAGE);
      proxy = await startSocketProxy(dockerd.socket);
    });
    after(async () => {
      await proxy?.close();
      await dockerd?.stop();
    });

    for (const backend of testBackends()) {
      describe(`on ${backend.name}`, () => {
        let d: DockerTestApp;
        before(async () => {
          d = await createDockerTestApp(backend);
        });
        after(() => d.close());

        it('creates the container with 1812/udp exposed, publishes it only with docker_map_ports, and the manifest shows it', async () => {
          assert.ok(await isUdpFree(RADIUS_PORT), `UDP ${RADIUS_PORT} is in use: this test publishes it`);
          const connection = await createConnection(d.api, {
            name: `radius-${backend.name}`,
            url: proxy.url,
          });
          const flows = await flowPks(d.api);
          const provider = await d.api.post('/api/v3/providers/radius/', {
            name: `Wi-Fi ${backend.name}`,
            authorization_flow: flows['default-authentication-flow'],
            invalidation_flow: flows['default-invalidation-flow'],
          });
          assert.equal(provider.statusCode, 201, provider.body);
          let mark = d.mark();
          const res = await d.api.post('/api/v3/outposts/instances/', {
            name: `Wifi ${backend.name}`,
            type: 'radius',
            providers: [(provider.json() as { pk: number }).pk],
            service_connection: connection,
            config: {
              authentik_host: 'https://core.example.com/',
              container_image: IMAGE,
              docker_map_ports: false,
            },
          });
          assert.equal(res.statusCode, 201, res.body);
          const outpost = (res.json() as { pk: string }).pk;
          await d.settle(outpost, mark);
          const name = `ak-outpost-wifi-${backend.name}`;
          const first = await inspect(name);
          assert.equal(first.State.Running, true);
          assert.deepEqual(Object.keys(first.Config.ExposedPorts ?? {}), ['1812/udp']);
          assert.deepEqual(
            first.HostConfig.PortBindings ?? {},
            {},
            'docker_map_ports false publishes nothing',
          );

          const current = (
            (await d.api.get(`/api/v3/outposts/instances/${outpost}/`)).json() as { config: object }
          ).config;
          mark = d.mark();
          const patched = await d.api.patch(`/api/v3/outposts/instances/${outpost}/`, {
            config: { ...current, docker_map_ports: true },
          });
          assert.equal(patched.statusCode, 200, patched.body);
          await d.settle(outpost, mark);
          const second = await inspect(name);
          assert.notEqual(second.Id, first.Id, 're-created for the ports');
          assert.equal(second.State.Running, true);
          assert.deepEqual(second.HostConfig.PortBindings, {
            '1812/udp': [{ HostIp: '', HostPort: '1812' }],
          });
          assert.equal(await isUdpFree(RADIUS_PORT), false, 'dockerd holds UDP 1812 on the host');

          // The manifest view is a Palisade extension, outside the contract the api client checks.
          const info = await d.t.app.inject({
            url: `/api/v3/outposts/instances/${outpost}/manifest/?format=compose`,
            headers: d.t.adminHeaders,
          });
          assert.equal(info.statusCode, 200, info.body);
          const manifest = (info.json() as { manifest: string }).manifest;
          assert.match(manifest, /authentik_radius:/);
          assert.match(manifest, /- 1812:1812\/udp/);
          assert.doesNotMatch(manifest, /9300/);
          assert.ok(
            proxy.calls.every((call) => call.allowed),
            'only permitted calls were made',
          );

          // Deleting the outpost frees the port again (the next backend's run publishes it too).
          mark = d.mark();
          assert.equal((await d.api.delete(`/api/v3/outposts/instances/${outpost}/`)).statusCode, 204);
          await d.settle(outpost, mark);
          assert.ok(await isUdpFree(RADIUS_PORT), 'the container and its published port are gone');
        });
      });
    }
  },
);
