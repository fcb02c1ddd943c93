import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  defaultKubernetesNamespace,
  defaultOutpostConfig,
  parseOutpostConfig,
  refreshIntervalSeconds,
  storedOutpostConfig,
} from '../../src/outposts/config.ts';

// The configuration block of seed 000, as an admin would paste it (blank values read as null).
const SEED_CONFIG = `
log_level: debug
authentik_host: https://authentik.tld/
authentik_host_insecure: false
authentik_host_browser:
object_naming_template: ak-outpost-%(name)s
container_image:
docker_network: null
docker_map_ports: true
docker_labels: null
kubernetes_replicas: 1
kubernetes_namespace: authentik
kubernetes_ingress_annotations: {}
kubernetes_ingress_secret_name: authentik-outpost-tls
kubernetes_service_type: ClusterIP
kubernetes_disabled_components: []
kubernetes_image_pull_secrets: []
kubernetes_ingress_class_name: null
kubernetes_json_patches:
  deployment:
    - op: add
      path: "/spec/template/spec/containers/0/resources"
      value:
        requests: { cpu: 2000m, memory: 2000Mi }
        limits: { cpu: 4000m, memory: 8000Mi }
`;

describe('outpost config', () => {
  const defaults = defaultOutpostConfig({ log_level: 'info' });

  it("takes the core's log level in the outpost's words", () => {
    assert.equal(defaultOutpostConfig({ log_level: 'warn' }).log_level, 'warning');
    assert.equal(defaultOutpostConfig({ log_level: 'debug' }).log_level, 'debug');
    assert.equal(defaults.log_level, 'info');
  });

  it('accepts the configuration of seed 000 unchanged', () => {
    const result = parseOutpostConfig(parse(SEED_CONFIG) as Record<string, unknown>, defaults);
    assert.equal(result.problems, undefined, String(result.problems));
    assert.equal(result.config?.authentik_host_browser, '');
    assert.equal(result.config?.kubernetes_namespace, 'authentik');
    assert.equal(result.config?.kubernetes_json_patches?.deployment?.[0]?.op, 'add');
    assert.equal(result.config?.refresh_interval, 'minutes=5', 'left out: the default');
  });

  it('reports every bad key at once, by name', () => {
    const result = parseOutpostConfig(
      {
        kubernetes_replicas: 1.5,
        authentik_host: 'authentik.tld',
        kubernetes_service_type: 'Ingress',
        kubernetes_json_patches: { pods: [] },
        docker_labels: { a: 1 },
      },
      defaults,
    );
    assert.deepEqual(
      result.problems?.map((p) => p.split(':')[0]),
      [
        'authentik_host',
        'docker_labels',
        'kubernetes_replicas',
        'kubernetes_service_type',
        'kubernetes_json_patches',
      ],
    );
  });

  it('accepts every reconciler name, and each RFC 6902 operation with what it needs', () => {
    const result = parseOutpostConfig(
      {
        kubernetes_disabled_components: [
          'secret',
          'prometheus servicemonitor',
          'traefik middleware',
          'httproute',
        ],
        kubernetes_json_patches: {
          service: [
            { op: 'remove', path: '/spec/ports/0' },
            { op: 'move', from: '/a', path: '/b' },
            { op: 'test', path: '/kind', value: 'Service' },
          ],
        },
      },
      defaults,
    );
    assert.equal(result.problems, undefined);
    assert.ok(
      parseOutpostConfig({ kubernetes_json_patches: { service: [{ op: 'copy', path: '/b' }] } }, defaults)
        .problems,
    );
  });

  it('derives refresh_interval_s, and keeps defaults for keys broken in storage', () => {
    const config = storedOutpostConfig({ refresh_interval: 'hours=1', kubernetes_replicas: 'x' }, defaults);
    assert.equal(refreshIntervalSeconds(config), 3600);
    assert.equal(config.kubernetes_replicas, 1);
    assert.equal(storedOutpostConfig({ refresh_interval: 'never' }, defaults).refresh_interval, 'minutes=5');
  });

  it("defaults the namespace to the core's own pod namespace when it runs in a cluster", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-ns-'));
    try {
      await writeFile(join(dir, 'namespace'), 'identity\n');
      assert.equal(defaultKubernetesNamespace(join(dir, 'namespace')), 'identity');
      assert.equal(defaultKubernetesNamespace(join(dir, 'absent')), 'default');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
