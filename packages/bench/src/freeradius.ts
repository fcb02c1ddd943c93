/**
 * Debian's FreeRADIUS, started for the bench in a temporary folder: a minimal configuration (PAP against a
 * `users` file, one client on 127.0.0.1), on a free loopback port, two worker threads (the machine's cores).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dgram from 'node:dgram';

/** A running FreeRADIUS. */
export interface RunningFreeRadius {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** A UDP port free on 127.0.0.1 now. */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function config(dir: string, port: number, secret: string, threads: number): string {
  return `prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = ${dir}/log
raddbdir = ${dir}
radacctdir = ${dir}/log
name = freeradius
confdir = ${dir}
modconfdir = ${dir}
run_dir = ${dir}/run
db_dir = ${dir}
libdir = /usr/lib/freeradius
pidfile = ${dir}/run/freeradius.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 65536
hostname_lookups = no
log {
  destination = stdout
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
thread pool {
  start_servers = ${threads}
  max_servers = ${threads}
  min_spare_servers = 1
  max_spare_servers = ${threads}
  max_requests_per_server = 0
}
modules {
  pap {
    normalise = yes
  }
  files {
    filename = ${dir}/users
  }
}
client local {
  ipaddr = 127.0.0.1
  secret = ${secret}
}
server default {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = ${port}
  }
  authorize {
    files
    pap
  }
  authenticate {
    pap
  }
}
`;
}

/** Starts FreeRADIUS with `users` (all with `password`) and waits until it answers. */
export async function startFreeRadius(options: {
  users: readonly string[];
  password: string;
  secret: string;
  threads: number;
}): Promise<RunningFreeRadius> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-bench-freeradius-'));
  await mkdir(join(dir, 'log'));
  await mkdir(join(dir, 'run'));
  const port = await freeUdpPort();
  await writeFile(join(dir, 'dictionary'), '$INCLUDE /usr/share/freeradius/dictionary\n');
  await writeFile(
    join(dir, 'users'),
    options.users.map((u) => `${u} Cleartext-Password := "${options.password}"\n`).join(''),
  );
  await writeFile(join(dir, 'radiusd.conf'), config(dir, port, options.secret, options.threads));
  const child: ChildProcess = spawn('freeradius', ['-f', '-d', dir, '-l', 'stdout'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; i < 100 && !output.includes('Ready to process requests'); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!output.includes('Ready to process requests')) {
    child.kill();
    await rm(dir, { recursive: true, force: true });
    throw new Error(`FreeRADIUS did not start:\n${output.slice(-2000)}`);
  }
  return {
    port,
    pid: child.pid as number,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
