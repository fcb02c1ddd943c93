import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { OutpostManifest } from '@palisade/schema';
import { parse, parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/command.ts';
import { revealTokenKey } from '../../src/identity/tokens-repository.ts';
import { defaultOutpostConfig } from '../../src/outposts/config.ts';
import { outpostObjectName } from '../../src/outposts/deployment-spec.ts';
import {
  AUTHENTIK_HOST_PLACEHOLDER,
  composeManifest,
  kubernetesObjects,
  outpostManifest,
} from '../../src/outposts/manifest.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { insertTestProvider } from '../support/outposts.ts';

const UUID = '3f2b8c1e-0d4a-4e6b-9a7c-5b1d2e3f4a5b';
const config = {
  ...defaultOutpostConfig({ log_level: 'info' }),
  authentik_host: 'https://auth.example.com/',
  kubernetes_namespace: 'authentik-outpost',
};
const input = (type: 'proxy' | 'ldap' | 'radius') => ({
  outpost: { uuid: UUID, name: 'K8s Outpost', type },
  config,
  tokenKey: 'the-token-key',
  version: '2025.10.1',
});

type Obj = {
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
};

describe('manual deployment manifests', () => {
  it('names objects from the template, as DNS-1123 labels', () => {
    const named = (name: string, template: string) =>
      outpostObjectName({ uuid: UUID, name }, { ...config, object_naming_template: template });
    assert.equal(
      named('authentik Embedded Outpost', 'ak-outpost-%(name)s'),
      'ak-outpost-authentik-embedded-outpost',
    );
    assert.equal(named('x', ''), `outpost-${UUID.replaceAll('-', '')}`);
    assert.equal(named('x', 'ak-%(uuid)s'), `ak-${UUID.replaceAll('-', '')}`);
    assert.ok(named('a'.repeat(100), 'ak-outpost-%(name)s').length <= 63);
  });

  it('builds the Kubernetes objects of seed 003: Secret, Deployment, Service (and the metrics Service)', () => {
    const [secret, deployment, service, metrics] = kubernetesObjects(input('proxy')) as Obj[];
    assert.deepEqual(
      [secret?.kind, deployment?.kind, service?.kind, metrics?.kind],
      ['Secret', 'Deployment', 'Service', 'Service'],
    );
    assert.equal(metrics?.metadata.name, 'ak-outpost-k8s-outpost-metrics');
    for (const object of [secret, deployment, service]) {
      assert.equal(object?.metadata.name, 'ak-outpost-k8s-outpost');
      assert.equal(object?.metadata.namespace, 'authentik-outpost');
      assert.deepEqual(
        {
          instance: object?.metadata.labels['app.kubernetes.io/instance'],
          managedBy: object?.metadata.labels['app.kubernetes.io/managed-by'],
          name: object?.metadata.labels['app.kubernetes.io/name'],
          version: object?.metadata.labels['app.kubernetes.io/version'],
        },
        {
          instance: 'k8s-outpost',
          managedBy: 'goauthentik.io',
          name: 'authentik-proxy',
          version: '2025.10.1',
        },
      );
    }
    const decoded = Object.fromEntries(
      Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    assert.deepEqual(decoded, {
      authentik_host: 'https://auth.example.com/',
      authentik_host_insecure: 'false',
      token: 'the-token-key',
      authentik_host_browser: '',
    });
    const pod = (deployment?.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } })
      .template.spec;
    const container = pod.containers[0] as {
      name: string;
      image: string;
      env: Array<{ name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }>;
    };
    assert.equal(container.name, 'proxy');
    assert.equal(container.image, 'ghcr.io/palisade/outpost:2025.10.1');
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.valueFrom.secretKeyRef]));
    assert.deepEqual(env.AUTHENTIK_TOKEN, { name: 'ak-outpost-k8s-outpost', key: 'token' });
    assert.deepEqual(env.AUTHENTIK_HOST, { name: 'ak-outpost-k8s-outpost', key: 'authentik_host' });
    assert.deepEqual(env.AUTHENTIK_INSECURE, {
      name: 'ak-outpost-k8s-outpost',
      key: 'authentik_host_insecure',
    });
    assert.deepEqual((service?.spec as { ports: unknown[] }).ports, [
      { name: 'http', port: 9000, protocol: 'TCP', targetPort: 9000 },
      { name: 'https', port: 9443, protocol: 'TCP', targetPort: 9443 },
    ]);
    assert.equal((service?.spec as { type: string }).type, 'ClusterIP');
  });

  it('writes a compose file per type, never publishing the metrics port', () => {
    const service = (type: 'proxy' | 'ldap' | 'radius') =>
      (parse(composeManifest(input(type))) as { services: Record<string, Record<string, unknown>> }).services[
        `authentik_${type}`
      ] as {
        image: string;
        ports: string[];
        environment: Record<string, string>;
        labels: Record<string, string>;
      };
    const proxy = service('proxy');
    assert.deepEqual(proxy.ports, ['9000:9000/tcp', '9443:9443/tcp']);
    assert.deepEqual(proxy.environment, {
      AUTHENTIK_HOST: 'https://auth.example.com/',
      AUTHENTIK_INSECURE: 'false',
      AUTHENTIK_TOKEN: 'the-token-key',
    });
    assert.equal(proxy.labels['io.goauthentik.outpost-uuid'], UUID.replaceAll('-', ''));
    assert.deepEqual(service('ldap').ports, ['389:3389/tcp', '636:6636/tcp']);
    assert.deepEqual(service('radius').ports, ['1812:1812/udp']);
    assert.equal(proxy.image, 'ghcr.io/palisade/outpost:2025.10.1', "Palisade's own image, for every type");
    assert.equal(service('ldap').image, 'ghcr.io/palisade/outpost:2025.10.1');
    const custom = parse(
      composeManifest({
        ...input('proxy'),
        config: { ...config, container_image: 'registry.local/outpost:1' },
      }),
    ) as { services: { authentik_proxy: { image: string } } };
    assert.equal(custom.services.authentik_proxy.image, 'registry.local/outpost:1');
  });

  it('puts a placeholder and a warning where authentik_host is empty or loopback, never the loopback URL', () => {
    for (const host of ['', 'http://localhost:9000/', 'http://127.0.0.1:9000/', 'http://[::1]:9000/']) {
      for (const format of ['compose', 'kubernetes'] as const) {
        const view = outpostManifest(
          { ...input('proxy'), config: { ...config, authentik_host: host } },
          format,
        );
        assert.equal(view.environment.AUTHENTIK_HOST, AUTHENTIK_HOST_PLACEHOLDER, host);
        assert.equal(view.warnings.length, 1, host);
        assert.match(view.warnings[0] ?? '', /authentik_host .*AUTHENTIK_HOST is a placeholder/);
        if (host) {
          assert.ok(view.warnings[0]?.includes(host), 'the warning names the loopback address');
          assert.ok(!view.manifest.includes(host), `${format} does not carry ${host}`);
        }
      }
      const compose = parse(
        outpostManifest({ ...input('proxy'), config: { ...config, authentik_host: host } }, 'compose')
          .manifest,
      ) as { services: { authentik_proxy: { environment: Record<string, string> } } };
      assert.equal(compose.services.authentik_proxy.environment.AUTHENTIK_HOST, AUTHENTIK_HOST_PLACEHOLDER);
    }
    const set = outpostManifest(input('proxy'), 'kubernetes');
    assert.deepEqual([set.environment.AUTHENTIK_HOST, set.warnings], ['https://auth.example.com/', []]);
  });
});

/** Runs `palisade ...argv` in this process and collects what it prints. */
async function palisade(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdin: Readable.from([]),
    env: { PALISADE_LOG_LEVEL: 'silent', ...env },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

for (const backend of testBackends()) {
  describe(`the manifest view and palisade outpost manifest, on ${backend.name}`, () => {
    let t: TestApp;
    let url: string;
    let outpost: { pk: string; token_identifier: string };
    before(async () => {
      t = await createTestApp(backend);
      const ldap = await insertTestProvider(t.db, 'ldap', 'Directory');
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v3/outposts/instances/',
        headers: t.adminHeaders,
        payload: {
          name: 'Edge LDAP',
          type: 'ldap',
          providers: [ldap],
          config: { authentik_host: 'https://id.example.com/' },
        },
      });
      outpost = res.json();
      url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(() => t.close());

    it('answers the manifest view to superusers, with the token in it', async () => {
      const res = await t.app.inject({
        url: `/api/v3/outposts/instances/${outpost.pk}/manifest/?format=kubernetes`,
        headers: t.adminHeaders,
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { environment: Record<string, string>; manifest: string };
      assert.ok(Value.Check(OutpostManifest, body));
      const key = await revealTokenKey(t.db, t.ctx.box, outpost.token_identifier);
      assert.equal(body.environment.AUTHENTIK_TOKEN, key);
      assert.equal(body.environment.AUTHENTIK_HOST, 'https://id.example.com/');
      const kinds = parseAllDocuments(body.manifest).map((d) => (d.toJS() as { kind: string }).kind);
      assert.deepEqual(kinds, ['Secret', 'Deployment', 'Service', 'Service']);
      assert.deepEqual((body as { warnings: string[] }).warnings, []);
      const bad = await t.app.inject({
        url: `/api/v3/outposts/instances/${outpost.pk}/manifest/?format=helm`,
        headers: t.adminHeaders,
      });
      assert.equal(bad.statusCode, 400);
    });

    it('answers with the token masked when asked, in the environment and the manifest alike', async () => {
      const key = await revealTokenKey(t.db, t.ctx.box, outpost.token_identifier);
      assert.ok(key);
      for (const format of ['compose', 'kubernetes']) {
        const res = await t.app.inject({
          url: `/api/v3/outposts/instances/${outpost.pk}/manifest/?format=${format}&mask_token=true`,
          headers: t.adminHeaders,
        });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { environment: Record<string, string>; manifest: string };
        assert.ok(Value.Check(OutpostManifest, body));
        assert.equal(body.environment.AUTHENTIK_TOKEN, '••••••••');
        assert.ok(!res.body.includes(key), `${format}: the key is nowhere in the answer`);
        assert.ok(!res.body.includes(Buffer.from(key).toString('base64')), `${format}: nor base64-encoded`);
      }
    });

    it('warns on stderr, and keeps stdout the manifest alone, while authentik_host is empty', async () => {
      const ldap = await insertTestProvider(t.db, 'ldap', 'Blank host directory');
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v3/outposts/instances/',
        headers: t.adminHeaders,
        payload: { name: 'Blank host', type: 'ldap', providers: [ldap], config: { authentik_host: '' } },
      });
      assert.equal(created.statusCode, 201, created.body);
      const res = await palisade(['outpost', 'manifest', 'Blank host'], {
        PALISADE_URL: url,
        PALISADE_TOKEN: t.adminToken,
      });
      assert.equal(res.code, 0, res.stderr);
      assert.match(
        res.stderr,
        /^palisade outpost manifest: warning: The outpost's authentik_host is empty: AUTHENTIK_HOST is a placeholder\. Set authentik_host/,
      );
      const compose = parse(res.stdout) as {
        services: { authentik_ldap: { image: string; environment: Record<string, string> } };
      };
      assert.equal(compose.services.authentik_ldap.environment.AUTHENTIK_HOST, AUTHENTIK_HOST_PLACEHOLDER);
      assert.equal(compose.services.authentik_ldap.image, `ghcr.io/palisade/outpost:${t.ctx.version}`);
    });

    it('prints the compose file through the running server', async () => {
      const env = { PALISADE_URL: url, PALISADE_TOKEN: t.adminToken };
      const res = await palisade(['outpost', 'manifest', 'Edge LDAP'], env);
      assert.equal(res.code, 0, res.stderr);
      const compose = parse(res.stdout) as {
        services: { authentik_ldap: { environment: Record<string, string>; ports: string[] } };
      };
      const key = await revealTokenKey(t.db, t.ctx.box, outpost.token_identifier);
      assert.deepEqual(compose.services.authentik_ldap.environment, {
        AUTHENTIK_HOST: 'https://id.example.com/',
        AUTHENTIK_INSECURE: 'false',
        AUTHENTIK_TOKEN: key,
      });
      assert.deepEqual(compose.services.authentik_ldap.ports, ['389:3389/tcp', '636:6636/tcp']);
      const missing = await palisade(['outpost', 'manifest', 'Nope'], env);
      assert.deepEqual(
        [missing.code, missing.stderr],
        [1, 'palisade outpost manifest: no outpost named Nope\n'],
      );
      const usage = await palisade(['outpost', 'manifest', 'Edge LDAP', '--format', 'helm'], env);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /--format must be compose or kubernetes/);
    });
  });
}

describe('palisade outpost manifest on the database directly', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'palisade-manifest-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it("prints the embedded outpost's Kubernetes objects (its Service only: it runs in the core's pods) from a data folder no server holds", async () => {
    const res = await palisade(
      ['outpost', 'manifest', 'authentik Embedded Outpost', '--format', 'kubernetes'],
      {
        PALISADE_DATA_DIR: dataDir,
      },
    );
    assert.equal(res.code, 0, res.stderr);
    const objects = parseAllDocuments(res.stdout).map((d) => d.toJS() as Obj);
    assert.deepEqual(
      objects.map((o) => [o.kind, o.metadata.name]),
      [['Service', 'ak-outpost-authentik-embedded-outpost']],
    );
    assert.deepEqual((objects[0]?.spec as { selector: unknown }).selector, {
      'app.kubernetes.io/name': 'authentik',
      'app.kubernetes.io/component': 'server',
    });
  });
});
