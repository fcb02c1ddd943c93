import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '../../support/databases.ts';
import { flowPks } from '../../support/flows.ts';
import { dockerdUnavailable, startDockerd, type TestDockerd } from './support/dockerd.ts';
import { createConnection, createDockerTestApp, type DockerTestApp } from './support/harness.ts';
import { startSocketProxy, type SocketProxy } from './support/socket-proxy.ts';
import { importTestImage } from './support/test-image.ts';

const IMAGE = 'palisade-test-outpost:rac';

interface Inspect {
  Config: { Labels: Record<string, string>; ExposedPorts?: Record<string, object> | null };
  HostConfig: { PortBindings: Record<string, unknown> | null };
  State: { Running: boolean };
}

// An RAC outpost only dials out (docs/rac.md): even with docker_map_ports its container publishes nothing.
describe(
  'Docker controller deploys an RAC outpost with no inbound port (real dockerd)',
  { skip: dockerdUnavailable() },
  () => {
    let dockerd: TestDockerd;
    let proxy: SocketProxy;
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

        it('creates a running container without published ports or Traefik labels, even with docker_map_ports', async () => {
          const connection = await createConnection(d.api, { name: `rac-${backend.name}`, url: proxy.url });
          const flows = await flowPks(d.api);
          const provider = await d.api.post('/api/v3/providers/rac/', {
            name: `desktops ${backend.name}`,
            authorization_flow: flows['default-provider-authorization-implicit-consent'],
          });
          assert.equal(provider.statusCode, 201, provider.body);
          const mark = d.mark();
          const res = await d.api.post('/api/v3/outposts/instances/', {
            name: `Remote ${backend.name}`,
            type: 'rac',
            providers: [(provider.json() as { pk: number }).pk],
            service_connection: connection,
            config: {
              authentik_host: 'https://core.example.com/',
              container_image: IMAGE,
              docker_map_ports: true,
            },
          });
          assert.equal(res.statusCode, 201, res.body);
          const outpost = res.json() as { pk: string };
          await d.settle(outpost.pk, mark);
          const [container] = JSON.parse(
            await dockerd.docker('inspect', `ak-outpost-remote-${backend.name}`),
          ) as Inspect[];
          assert.equal(container?.State.Running, true);
          assert.deepEqual(container?.HostConfig.PortBindings ?? {}, {}, 'nothing is published');
          assert.deepEqual(
            Object.keys(container?.Config.Labels ?? {}).filter((k) => k.startsWith('traefik.')),
            [],
          );
          assert.ok(
            proxy.calls.every((call) => call.allowed),
            'only permitted calls were made',
          );
        });
      });
    }
  },
);
