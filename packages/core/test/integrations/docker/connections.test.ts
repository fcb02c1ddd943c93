import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '../../support/databases.ts';
import { dockerdUnavailable, startDockerd, type TestDockerd } from './support/dockerd.ts';
import { createConnection, createDockerTestApp, type DockerTestApp } from './support/harness.ts';
import { dockerTlsMaterial, freePort, sshClientKey, sshdUnavailable, startSshd } from './support/remote.ts';
import { importTestImage } from './support/test-image.ts';
import { insertTestProvider } from '../../support/outposts.ts';

const BASE = '/api/v3/outposts/service_connections/docker/';
const IMAGE = 'palisade-test-outpost:1';
const skip = dockerdUnavailable() ?? sshdUnavailable();

describe(
  'Docker service connections: API, state over unix, ssh and https against real daemons, deploying over ssh',
  { skip },
  () => {
    let dockerd: TestDockerd;
    let tlsDockerd: TestDockerd;
    let dir: string;
    let tls: Awaited<ReturnType<typeof dockerTlsMaterial>>;
    let tlsPort: number;
    let ssh: Awaited<ReturnType<typeof sshClientKey>>;
    let sshd: Awaited<ReturnType<typeof startSshd>>;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'pdk-remote-'));
      // No bridge on either daemon: only the controller suite runs containers, and docker0 is one per host.
      dockerd = await startDockerd([], { bridge: false });
      await importTestImage(dockerd, IMAGE);
      tls = await dockerTlsMaterial(dir);
      tlsPort = await freePort();
      // A second daemon that only speaks TLS with client certificates (no bridge: one docker0 per host).
      tlsDockerd = await startDockerd(
        [
          '--tlsverify',
          `--tlscacert=${tls.files.ca}`,
          `--tlscert=${tls.files.cert}`,
          `--tlskey=${tls.files.key}`,
          '-H',
          `tcp://127.0.0.1:${tlsPort}`,
        ],
        { bridge: false },
      );
      ssh = await sshClientKey(dir);
      sshd = await startSshd(dir, ssh.publicKey, dockerd.socket);
    });
    after(async () => {
      sshd?.stop();
      await tlsDockerd?.stop();
      await dockerd?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    for (const backend of testBackends()) {
      describe(`on ${backend.name}`, () => {
        let d: DockerTestApp;
        const keypair = async (name: string, certificate: string, key?: string) => {
          const res = await d.api.post('/api/v3/crypto/certificatekeypairs/', {
            name,
            certificate_data: certificate,
            key_data: key ?? '',
          });
          assert.equal(res.statusCode, 201, res.body);
          return (res.json() as { pk: string }).pk;
        };
        before(async () => {
          d = await createDockerTestApp(backend);
          d.integration.options.clientEnvironment = {
            env: { DOCKER_HOST: `unix://${dockerd.socket}` },
            knownHostsFile: join(dir, `known_hosts_${backend.name}`),
            sshConfigFile: join(dir, 'no-ssh-config'),
          };
        });
        after(() => d.close());
        // Through the generic route: the kinds registry finds the Docker kind's state check.
        const state = async (uuid: string) => {
          const res = await d.api.get(`/api/v3/outposts/service_connections/all/${uuid}/state/`);
          assert.equal(res.statusCode, 200, res.body);
          return res.json() as { healthy: boolean; version: string };
        };

        it('creates, reads, lists with filters, updates and deletes connections', async () => {
          const res = await d.api.post(BASE, { name: 'Local', local: true, url: '/var/run/docker.sock' });
          assert.equal(res.statusCode, 201, res.body);
          const body = res.json() as Record<string, unknown>;
          assert.equal(body.component, 'ak-service-connection-docker-form');
          assert.equal(body.verbose_name, 'Docker Service-Connection');
          assert.equal(body.tls_verification, null);
          const uuid = body.pk as string;
          assert.equal((await d.api.get(`${BASE}${uuid}/`)).statusCode, 200);
          const other = await createConnection(d.api, { name: 'Proxy', url: 'http://socket-proxy:2375' });
          const locals = (await d.api.get(`${BASE}?local=true`)).json() as { results: { pk: string }[] };
          assert.deepEqual(
            locals.results.map((r) => r.pk),
            [uuid],
          );
          const byUrl = (
            await d.api.get(`${BASE}?url=${encodeURIComponent('http://socket-proxy:2375')}`)
          ).json() as { results: { pk: string }[] };
          assert.deepEqual(
            byUrl.results.map((r) => r.pk),
            [other],
          );
          const patched = await d.api.patch(`${BASE}${other}/`, { url: 'http://socket-proxy:2376' });
          assert.equal(patched.statusCode, 200);
          assert.equal((patched.json() as { url: string }).url, 'http://socket-proxy:2376');
          const put = await d.api.put(`${BASE}${other}/`, {
            name: 'Proxy 2',
            url: 'unix:///run/docker.sock',
          });
          assert.equal((put.json() as { name: string; local: boolean }).name, 'Proxy 2');
          assert.equal((await d.api.delete(`${BASE}${other}/`)).statusCode, 204);
          assert.equal((await d.api.get(`${BASE}${other}/`)).statusCode, 404);
          assert.equal((await d.api.delete(`${BASE}${uuid}/`)).statusCode, 204);
        });

        it('refuses bad input with 400s naming the field', async () => {
          const cases: Array<[Record<string, unknown>, string]> = [
            [{ name: 'Bad', url: 'ftp://host' }, 'url'],
            [{ name: 'Bad', url: 'not a url' }, 'url'],
            [{ name: 'Bad', url: 'http://' }, 'url'],
            [
              {
                name: 'Bad',
                url: 'https://h:2376',
                tls_verification: '00000000-0000-4000-8000-000000000000',
              },
              'tls_verification',
            ],
            [{ name: 'Bad', url: 'https://h:2376', tls_authentication: 'nope' }, 'tls_authentication'],
            [{ url: 'unix:///x' }, 'name'],
            [{ name: 'Bad', url: 'unix:///x', extra: 1 }, 'extra'],
          ];
          for (const [body, field] of cases) {
            const res = await d.api.post(BASE, body);
            assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
            assert.match(res.body, new RegExp(field), res.body);
          }
          const certOnly = await keypair('Cert only', tls.ca);
          const res = await d.api.post(BASE, {
            name: 'Bad',
            url: 'https://h:2376',
            tls_authentication: certOnly,
          });
          assert.equal(res.statusCode, 400);
          assert.match(res.body, /no private key/);
          await createConnection(d.api, { name: 'Twice', url: 'unix:///x' });
          const dup = await d.api.post(BASE, { name: 'Twice', url: 'unix:///y' });
          assert.equal(dup.statusCode, 400);
          assert.match(dup.body, /already exists/);
          const outpost = await d.api.post('/api/v3/outposts/instances/', {
            name: 'Nowhere',
            type: 'proxy',
            providers: [],
            service_connection: '00000000-0000-4000-8000-000000000000',
            config: {},
          });
          assert.equal(outpost.statusCode, 400);
          assert.match(outpost.body, /service_connection/);
        });

        it('reports a local and a unix:// connection healthy with the daemon version', async () => {
          const version = (await dockerd.docker('version', '--format', '{{.Server.Version}}')).trim();
          const local = await createConnection(d.api, {
            name: 'Local env',
            local: true,
            url: '' + '/var/run/docker.sock',
          });
          assert.deepEqual(await state(local), { healthy: true, version });
          const unix = await createConnection(d.api, { name: 'Unix', url: `unix://${dockerd.socket}` });
          assert.deepEqual(await state(unix), { healthy: true, version });
          const missing = await createConnection(d.api, { name: 'Missing', url: 'unix:///nonexistent.sock' });
          assert.deepEqual(await state(missing), { healthy: false, version: '' });
        });

        it('reaches a daemon over ssh:// with a keypair, through the OpenSSH client', async () => {
          const kp = await keypair(`SSH ${backend.name}`, ssh.certificate, ssh.key);
          const uuid = await createConnection(d.api, {
            name: 'SSH',
            url: `ssh://root@127.0.0.1:${sshd.port}`,
            tls_authentication: kp,
          });
          const result = await state(uuid);
          assert.equal(result?.healthy, true, 'ssh state');
          assert.match(result?.version ?? '', /^\d+\.\d+/);
          const noKey = await createConnection(d.api, {
            name: 'SSH no key',
            url: `ssh://root@127.0.0.1:${sshd.port}`,
          });
          assert.deepEqual(
            await state(noKey),
            { healthy: false, version: '' },
            'no keypair and no SSH config of our own',
          );
        });

        it("creates an outpost's container over ssh://, and removes it when the outpost is deleted", async () => {
          const kp = await keypair(`SSH deploy ${backend.name}`, ssh.certificate, ssh.key);
          const connection = await createConnection(d.api, {
            name: 'SSH deploy',
            url: `ssh://root@127.0.0.1:${sshd.port}`,
            tls_authentication: kp,
          });
          const ldap = await insertTestProvider(d.t.db, 'ldap', `Over SSH ${backend.name}`);
          let mark = d.mark();
          const res = await d.api.post('/api/v3/outposts/instances/', {
            name: `Over SSH ${backend.name}`,
            type: 'ldap',
            providers: [ldap],
            service_connection: connection,
            // No bridge on this daemon: the container gets no network.
            config: { container_image: IMAGE, docker_map_ports: false, docker_network: 'none' },
          });
          assert.equal(res.statusCode, 201, res.body);
          const outpost = (res.json() as { pk: string }).pk;
          await d.settle(outpost, mark);
          const name = `ak-outpost-over-ssh-${backend.name}`;
          const running = async () =>
            (await dockerd.docker('ps', '-q', '--filter', `name=^/${name}$`)).trim() !== '';
          assert.ok(await running(), (await d.messages(outpost)).join('\n'));
          const labels = JSON.parse(
            await dockerd.docker('inspect', '--format', '{{json .Config.Labels}}', name),
          );
          assert.equal(labels['io.goauthentik.outpost-uuid'], outpost.replaceAll('-', ''));
          mark = d.mark();
          assert.equal((await d.api.delete(`/api/v3/outposts/instances/${outpost}/`)).statusCode, 204);
          await d.settle(outpost, mark);
          assert.equal(
            (await dockerd.docker('ps', '-aq', '--filter', `name=^/${name}$`)).trim(),
            '',
            'removed over ssh',
          );
        });

        it('reaches a --tlsverify daemon over https:// with the CA and client keypairs, and fails without them', async () => {
          const ca = await keypair(`Docker CA ${backend.name}`, tls.ca);
          const cert = await keypair(`Docker Cert ${backend.name}`, tls.clientCert, tls.clientKey);
          const url = `https://127.0.0.1:${tlsPort}`;
          const good = await createConnection(d.api, {
            name: 'TLS',
            url,
            tls_verification: ca,
            tls_authentication: cert,
          });
          const version = (await tlsDockerd.docker('version', '--format', '{{.Server.Version}}')).trim();
          assert.deepEqual(await state(good), { healthy: true, version });
          const noClient = await createConnection(d.api, {
            name: 'TLS no client',
            url,
            tls_verification: ca,
          });
          assert.deepEqual(await state(noClient), { healthy: false, version: '' });
          const noCa = await createConnection(d.api, {
            name: 'TLS unverified',
            url,
            tls_authentication: cert,
          });
          assert.deepEqual(
            await state(noCa),
            { healthy: true, version },
            'no CA: not verified, as the reference',
          );
        });

        it('is one kind of the shared service connections: listed, typed and deleted through /all/', async () => {
          const all = '/api/v3/outposts/service_connections/all/';
          const uuid = await createConnection(d.api, { name: 'Kind', url: 'unix:///x.sock' });
          const one = await d.api.get(`${all}${uuid}/`);
          assert.equal(one.statusCode, 200, one.body);
          assert.deepEqual(one.json(), {
            pk: uuid,
            name: 'Kind',
            local: false,
            component: 'ak-service-connection-docker-form',
            verbose_name: 'Docker Service-Connection',
            verbose_name_plural: 'Docker Service-Connections',
            meta_model_name: 'authentik_outposts.dockerserviceconnection',
          });
          const list = (await d.api.get(`${all}?search=Kind`)).json() as { results: Array<{ pk: string }> };
          assert.ok(list.results.some((c) => c.pk === uuid));
          const types = (await d.api.get(`${all}types/`)).json() as Array<{ model_name: string }>;
          assert.ok(types.some((t) => t.model_name === 'dockerserviceconnection'));
          const dup = await d.api.post('/api/v3/outposts/service_connections/kubernetes/', {
            name: 'Kind',
            kubeconfig: {},
          });
          assert.equal(dup.statusCode, 400, 'one name space across kinds');
          assert.equal((await d.api.delete(`${all}${uuid}/`)).statusCode, 204);
          assert.equal((await d.api.get(`${BASE}${uuid}/`)).statusCode, 404);
          const rows = await d.t.db.query(
            'SELECT 1 FROM docker_service_connections WHERE connection_uuid = $1',
            [uuid],
          );
          assert.equal(rows.length, 0, 'the Docker row went with the base row');
        });
      });
    }
  },
);
