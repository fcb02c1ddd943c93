import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultOutpostConfig } from '../../../src/outposts/config.ts';
import {
  containerName,
  containerSpec,
  createOptions,
  standbySpec,
} from '../../../src/integrations/docker/container-spec.ts';
import { driftReasons, type InspectedContainer } from '../../../src/integrations/docker/drift.ts';

const uuid = '0b6c2a0e-5f0a-4c8e-9d3e-2f1a3b4c5d6e';
const config = {
  ...defaultOutpostConfig({ log_level: 'info' }),
  authentik_host: 'https://Auth.Example.com/',
};
const proxy = { uuid, name: 'My Proxy', type: 'proxy' as const };
const spec = (overrides: Record<string, unknown> = {}, type: 'proxy' | 'ldap' = 'proxy') =>
  containerSpec({
    outpost: { ...proxy, type },
    config: { ...config, ...overrides },
    tokenKey: 'tok',
    version: '2025.10.1',
    imageBase: 'ghcr.io/goauthentik/%(type)s:%(version)s',
    externalHosts: ['app.example.com', 'wiki.example.com:8443'],
  });

describe('Docker container spec', () => {
  it('names the container from the template, and carries the Traefik labels of seed 001 for proxy outposts', () => {
    const s = spec();
    assert.equal(s.name, 'ak-outpost-my-proxy');
    assert.equal(
      containerName(proxy, { ...config, object_naming_template: 'op-%(uuid)s' }),
      `op-${uuid.replaceAll('-', '')}`,
    );
    assert.equal(s.image, 'ghcr.io/goauthentik/proxy:2025.10.1');
    assert.deepEqual(s.labels, {
      'io.goauthentik.outpost-uuid': uuid.replaceAll('-', ''),
      'traefik.enable': 'true',
      'traefik.http.routers.ak-outpost-my-proxy-router.rule':
        '(Host(`app.example.com`) || Host(`wiki.example.com:8443`)) && PathPrefix(`/outpost.goauthentik.io`)',
      'traefik.http.routers.ak-outpost-my-proxy-router.tls': 'true',
      'traefik.http.routers.ak-outpost-my-proxy-router.service': 'ak-outpost-my-proxy-service',
      'traefik.http.services.ak-outpost-my-proxy-service.loadbalancer.healthcheck.path':
        '/outpost.goauthentik.io/ping',
      'traefik.http.services.ak-outpost-my-proxy-service.loadbalancer.healthcheck.port': '9300',
      'traefik.http.services.ak-outpost-my-proxy-service.loadbalancer.server.port': '9000',
    });
    assert.deepEqual(s.env, [
      'AUTHENTIK_HOST=https://auth.example.com/',
      'AUTHENTIK_INSECURE=false',
      'AUTHENTIK_TOKEN=tok',
    ]);
  });

  it('publishes the proxy ports but never 9300, and nothing when docker_map_ports is false', () => {
    assert.deepEqual(spec().ports, { '9000/tcp': '9000', '9443/tcp': '9443' });
    assert.deepEqual(spec({ docker_map_ports: false }).ports, {});
    assert.deepEqual(spec({}, 'ldap').ports, { '3389/tcp': '389', '6636/tcp': '636' });
    assert.equal(
      Object.keys(spec({}, 'ldap').labels).some((k) => k.startsWith('traefik.')),
      false,
    );
  });

  it('sees drift in each compared part, and none in extra env or labels of the image', () => {
    const s = spec();
    const container: InspectedContainer = {
      Id: 'x',
      Name: `/${s.name}`,
      Config: { Image: s.image, Env: [...s.env, 'PATH=/bin'], Labels: { ...s.labels, 'org.image': 'x' } },
      HostConfig: {
        NetworkMode: 'default',
        RestartPolicy: { Name: 'unless-stopped' },
        PortBindings: { '9000/tcp': [{ HostPort: '9000' }], '9443/tcp': [{ HostPort: '9443' }] },
      },
      State: { Running: true, Status: 'running' },
    };
    assert.deepEqual(driftReasons(container, s), []);
    const browser = spec({ authentik_host_browser: 'https://b.example.com' });
    assert.match(driftReasons(container, browser).join(), /outdated config/);
    assert.match(
      driftReasons(
        { ...container, Config: { ...container.Config, Env: [...s.env, 'AUTHENTIK_HOST_BROWSER=x'] } },
        s,
      ).join(),
      /outdated config/,
    );
    assert.match(driftReasons(container, spec({ docker_network: 'n' })).join(), /network/);
    assert.match(driftReasons(container, spec({ docker_map_ports: false })).join(), /ports/);
    assert.match(driftReasons(container, spec({ container_image: 'other:1' })).join(), /image/);
    assert.match(driftReasons(container, spec({ docker_labels: { a: 'b' } })).join(), /labels/);
    assert.match(
      driftReasons(
        { ...container, HostConfig: { ...container.HostConfig, RestartPolicy: { Name: 'no' } } },
        s,
      ).join(),
      /restart/,
    );
  });

  it("makes a roll's standby: its own name, the same labels and token, the published ports shifted", () => {
    const s = spec({ docker_map_ports: true });
    const standby = standbySpec(s, 10_000);
    assert.equal(standby.name, 'ak-outpost-my-proxy-rollover');
    assert.deepEqual(standby.labels, s.labels, 'a Traefik router balances over both');
    assert.deepEqual(standby.env, s.env);
    assert.deepEqual(standby.ports, { '9000/tcp': '19000', '9443/tcp': '19443' });
    assert.deepEqual(s.ports, { '9000/tcp': '9000', '9443/tcp': '9443' }, 'the spec is left alone');
  });

  it('shifts the listen addresses of a standby on the host network, where nothing is published', () => {
    const standby = standbySpec(spec({ docker_network: 'host', docker_map_ports: true }), 500);
    assert.deepEqual(
      standby.env.filter((e) => e.startsWith('AUTHENTIK_LISTEN__')),
      [
        'AUTHENTIK_LISTEN__HTTP=0.0.0.0:9500',
        'AUTHENTIK_LISTEN__HTTPS=0.0.0.0:9943',
        'AUTHENTIK_LISTEN__METRICS=0.0.0.0:9800',
      ],
    );
  });

  it("gives the container and its standby the outpost's name as an alias on a network of the admin's only", () => {
    const s = spec({ docker_network: 'outposts' });
    const aliases = (o: ReturnType<typeof createOptions>) =>
      (o as { NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases: string[] }> } })
        .NetworkingConfig?.EndpointsConfig;
    assert.deepEqual(aliases(createOptions(s)), { outposts: { Aliases: ['ak-outpost-my-proxy'] } });
    assert.deepEqual(aliases(createOptions(standbySpec(s, 1))), {
      outposts: { Aliases: ['ak-outpost-my-proxy'] },
    });
    assert.equal(aliases(createOptions(spec({ docker_network: 'host' }))), undefined);
    assert.equal(aliases(createOptions(spec())), undefined);
  });
});
