import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent as HttpsAgent } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { AppContext } from '../../context.ts';
import { findKeypair, revealPrivateKey } from '../../crypto/keypairs-repository.ts';
import type { DockerConnection } from './connections-repository.ts';
import { sshAgent } from './ssh-transport.ts';

/** The Docker socket a local connection falls back to when DOCKER_HOST is unset. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** The marker of an SSH config the reference wrote itself; a config without it is the admin's own. */
export const MANAGED_SSH_MARKER = '### Managed by authentik';

/** A connection could not be used as configured (no keypair for SSH, a URL scheme Docker does not speak). */
export class ServiceConnectionInvalid extends Error {
  override name = 'ServiceConnectionInvalid';
}

/** Where the client reads what is not stored on the connection. */
export interface DockerClientEnvironment {
  /** The core's environment (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) for local connections. */
  env?: NodeJS.ProcessEnv;
  /** The SSH config file (default ~/.ssh/config); used when it exists. */
  sshConfigFile?: string;
  /** Host keys learnt on first use for SSH connections with a keypair. */
  knownHostsFile?: string;
}

/** A Docker API client for one connection, and what to clean up after it (SSH key files, agents). */
export interface DockerClient {
  docker: Docker;
  close(): Promise<void>;
}

// The modem waits this long on a silent socket; image pulls stream progress, so they stay under it.
const SOCKET_TIMEOUT_MS = 120_000;

function tlsFromCertPath(env: NodeJS.ProcessEnv): { ca?: string; cert?: string; key?: string } {
  const dir = env.DOCKER_CERT_PATH ?? join(homedir(), '.docker');
  const read = (file: string) =>
    existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : undefined;
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

// docker-modem takes an `agent` option that @types/dockerode does not declare.
const withAgent = (options: Docker.DockerOptions, agent: unknown) =>
  new Docker({ ...options, agent } as Docker.DockerOptions);

/** A keypair's certificate and (if any) private key in PEM; undefined when unset or gone. */
async function keypairMaterial(ctx: AppContext, uuid: string | null) {
  if (!uuid) return undefined;
  const keypair = await findKeypair(ctx.db, uuid);
  if (!keypair) return undefined;
  return { cert: keypair.certificatePem, key: await revealPrivateKey(ctx.db, ctx.box, uuid) };
}

/**
 * The URL a connection stands for: a local one the core's DOCKER_HOST (else the default socket); a bare path
 * is a unix socket. `tcp://` means HTTPS when TLS material is configured, as docker-py rewrites it, else HTTP.
 */
export function effectiveUrl(
  connection: Pick<DockerConnection, 'local' | 'url'>,
  env: NodeJS.ProcessEnv,
): URL {
  const raw = connection.local ? env.DOCKER_HOST || `unix://${DEFAULT_DOCKER_SOCKET}` : connection.url;
  return new URL(raw.startsWith('/') ? `unix://${raw}` : raw);
}

/**
 * Builds a client for a connection (controllers.md §3.1-3.3): unix sockets, http:// (a socket proxy),
 * https:// verified against the `tls_verification` CA with the `tls_authentication` client pair (in memory:
 * no files), ssh:// through the OpenSSH client with the `tls_authentication` key written to a 0600 file that
 * close() removes.
 */
export async function openDockerClient(
  ctx: AppContext,
  connection: DockerConnection,
  environment: DockerClientEnvironment = {},
): Promise<DockerClient> {
  const env = environment.env ?? process.env;
  let url: URL;
  try {
    url = effectiveUrl(connection, env);
  } catch {
    throw new ServiceConnectionInvalid(`Invalid Docker URL ${connection.url}`);
  }
  const port = url.port ? Number(url.port) : undefined;
  const common = { timeout: SOCKET_TIMEOUT_MS };
  switch (url.protocol) {
    case 'unix:':
      return { docker: new Docker({ ...common, socketPath: url.pathname }), close: async () => {} };
    case 'http:':
    case 'tcp:':
    case 'https:': {
      const local = connection.local ? tlsFromCertPath(env) : undefined;
      const isTls =
        url.protocol === 'https:' ||
        (url.protocol === 'tcp:' &&
          (connection.local
            ? Boolean(env.DOCKER_TLS_VERIFY)
            : Boolean(connection.tlsVerification || connection.tlsAuthentication)));
      if (!isTls) {
        return {
          docker: new Docker({ ...common, protocol: 'http', host: url.hostname, port: port ?? 2375 }),
          close: async () => {},
        };
      }
      const ca = connection.local
        ? local?.ca
        : (await keypairMaterial(ctx, connection.tlsVerification))?.cert;
      const client = connection.local ? local : await keypairMaterial(ctx, connection.tlsAuthentication);
      // No verification CA: the daemon's certificate is not checked, as the reference's "empty = no validation".
      const agent = new HttpsAgent({
        ca,
        cert: client?.cert,
        key: client?.key,
        rejectUnauthorized: ca !== undefined,
      });
      return {
        docker: withAgent({ ...common, protocol: 'https', host: url.hostname, port: port ?? 2376 }, agent),
        close: async () => agent.destroy(),
      };
    }
    case 'ssh:':
      return sshClient(ctx, connection, url, environment);
    default:
      throw new ServiceConnectionInvalid(`Unsupported Docker URL scheme ${url.protocol}`);
  }
}

async function sshClient(
  ctx: AppContext,
  connection: DockerConnection,
  url: URL,
  environment: DockerClientEnvironment,
): Promise<DockerClient> {
  const configFile = environment.sshConfigFile ?? join(homedir(), '.ssh', 'config');
  const config = existsSync(configFile) ? await readFile(configFile, 'utf8') : undefined;
  const isExternalConfig = config !== undefined && !config.includes(MANAGED_SSH_MARKER);
  const keypair = await keypairMaterial(ctx, connection.tlsAuthentication);
  if (!keypair?.key && !isExternalConfig)
    throw new ServiceConnectionInvalid('keypair must be set for SSH connections');
  let dir: string | undefined;
  let identityFile: string | undefined;
  if (keypair?.key) {
    dir = await mkdtemp(join(tmpdir(), 'palisade-docker-ssh-'));
    identityFile = join(dir, `${connection.tlsAuthentication}_private.pem`);
    await writeFile(identityFile, keypair.key.endsWith('\n') ? keypair.key : `${keypair.key}\n`, {
      mode: 0o600,
    });
  }
  const agent = sshAgent({
    host: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    // The reference connects as its container user `authentik` when the URL names none; an admin's own config
    // decides for itself.
    user: url.username ? decodeURIComponent(url.username) : isExternalConfig ? undefined : 'authentik',
    identityFile,
    knownHostsFile: identityFile
      ? (environment.knownHostsFile ?? join(ctx.config.data_dir, 'docker-ssh-known-hosts'))
      : undefined,
    configFile: isExternalConfig ? configFile : undefined,
  });
  return {
    docker: withAgent({ protocol: 'http', host: 'docker', port: 80 }, agent),
    close: async () => {
      agent.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
