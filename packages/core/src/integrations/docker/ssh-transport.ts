import { spawn } from 'node:child_process';
import { Agent, type ClientRequestArgs } from 'node:http';
import { Duplex } from 'node:stream';

/** How to reach a Docker daemon over SSH with the OpenSSH client. */
export interface SshTarget {
  host: string;
  port?: number;
  user?: string;
  /** A private key file to authenticate with; unset leaves identities to the SSH config. */
  identityFile?: string;
  /** Where host keys learnt on first use are kept (only with identityFile: otherwise the config rules). */
  knownHostsFile?: string;
  /** An SSH config file to read (`-F`); unset reads the user's default config. */
  configFile?: string;
  /** The ssh binary (tests may point elsewhere). */
  sshBinary?: string;
}

/** The ssh command line that opens a raw connection to the remote daemon (`docker system dial-stdio`). */
export function sshArguments(target: SshTarget): string[] {
  const args = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=15'];
  if (target.configFile) args.push('-F', target.configFile);
  if (target.port) args.push('-p', String(target.port));
  if (target.user) args.push('-l', target.user);
  if (target.identityFile) {
    // A key we manage: only it is offered, and the daemon's host key is trusted on first use, as
    // `docker -H ssh://` does with a fresh known_hosts.
    args.push(
      '-i',
      target.identityFile,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
    );
    if (target.knownHostsFile) args.push('-o', `UserKnownHostsFile=${target.knownHostsFile}`);
  }
  args.push('--', target.host, 'docker', 'system', 'dial-stdio');
  return args;
}

/**
 * An HTTP agent whose every connection is `ssh host docker system dial-stdio`: the Docker CLI's own SSH
 * transport. The OpenSSH client (not a JavaScript SSH library) is used so a mounted ~/.ssh/config, SSH
 * certificates and agents work as seed 001's "Advanced SSH config" describes.
 */
export function sshAgent(target: SshTarget): Agent {
  const agent = new Agent({ keepAlive: false });
  const children = new Set<ReturnType<typeof spawn>>();
  agent.createConnection = ((
    _options: ClientRequestArgs,
    callback?: (err: Error | null, s: Duplex) => void,
  ) => {
    const child = spawn(target.sshBinary ?? 'ssh', sshArguments(target), { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
    // node:http asks these of a socket; a pipe has nothing to tune.
    Object.assign(stream, { setTimeout: () => stream, setNoDelay: () => stream, setKeepAlive: () => stream });
    Object.assign(stream, { ref: () => stream, unref: () => stream });
    child.on('error', (error) => stream.destroy(error));
    child.on('exit', (code) => {
      children.delete(child);
      if (code) stream.destroy(new Error(`ssh exited with ${code}: ${stderr.trim() || 'no message'}`));
    });
    stream.on('close', () => {
      if (child.exitCode === null) child.kill();
    });
    callback?.(null, stream);
    return stream;
  }) as unknown as Agent['createConnection'];
  const destroy = agent.destroy.bind(agent);
  agent.destroy = () => {
    destroy();
    for (const child of children) child.kill();
  };
  return agent;
}
