import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Why sshd cannot run here, or undefined. */
export const sshdUnavailable = () =>
  existsSync('/usr/sbin/sshd') ? undefined : 'sshd is not installed (.ci/run installs openssh-server)';

/** A client key (RSA PEM, as seed 001 makes it) with a self-signed certificate, for a keypair. */
export async function sshClientKey(
  dir: string,
): Promise<{ key: string; certificate: string; publicKey: string }> {
  const key = join(dir, 'client');
  await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-f', key, '-N', '', '-m', 'pem']);
  await run('openssl', [
    'req',
    '-x509',
    '-sha256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=palisade',
    '-key',
    key,
    '-out',
    `${key}.crt`,
  ]);
  return {
    key: await readFile(key, 'utf8'),
    certificate: await readFile(`${key}.crt`, 'utf8'),
    publicKey: (await readFile(`${key}.pub`, 'utf8')).trim(),
  };
}

/**
 * Starts sshd on a private port with its own host key; `publicKey` may log in as root, and its sessions get
 * DOCKER_HOST pointing at the test daemon (so `docker system dial-stdio` reaches it).
 */
export async function startSshd(dir: string, publicKey: string, dockerSocket: string) {
  await mkdir('/run/sshd', { recursive: true });
  const hostKey = join(dir, 'host_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-f', hostKey, '-N', '']);
  const authorized = join(dir, 'authorized_keys');
  await writeFile(authorized, `environment="DOCKER_HOST=unix://${dockerSocket}" ${publicKey}\n`, {
    mode: 0o600,
  });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'PermitUserEnvironment yes',
      'StrictModes no',
      'UsePAM no',
      `PidFile ${join(dir, 'sshd.pid')}`,
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  for (let i = 0; i < 100 && !log.includes('Server listening'); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!log.includes('Server listening')) throw new Error(`sshd did not start: ${log}`);
  return { port, stop: () => child.kill() };
}

/** A CA, a daemon certificate for 127.0.0.1 and a client certificate, as Docker's TLS guide makes them. */
export async function dockerTlsMaterial(dir: string) {
  const o = (...args: string[]) => run('openssl', args, { cwd: dir });
  await o(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Test Docker CA',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
  );
  await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    await o(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${who}`,
      '-keyout',
      `${who}-key.pem`,
      '-out',
      `${who}.csr`,
    );
    await o(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${who}.ext`,
      '-out',
      `${who}.pem`,
    );
  }
  const read = (f: string) => readFile(join(dir, f), 'utf8');
  return {
    files: { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem') },
    ca: await read('ca.pem'),
    clientCert: await read('client.pem'),
    clientKey: await read('client-key.pem'),
  };
}
