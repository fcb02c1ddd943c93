import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, REPO_ROOT } from './server-process.ts';

/** The outpost as its image runs it: the outpost package's own command. */
export const OUTPOST_COMMAND: readonly string[] = [
  join(REPO_ROOT, 'packages', 'outpost', 'bin', 'palisade-outpost.ts'),
];
/** The core's thin alias of it, `palisade outpost`. */
export const OUTPOST_ALIAS_COMMAND: readonly string[] = [
  join(REPO_ROOT, 'packages', 'core', 'bin', 'palisade.ts'),
  'outpost',
];

/** A proxy outpost started as users start it: `palisade outpost`, configured by environment only. */
export interface OutpostProcess {
  url: string;
  port: number;
  metricsPort: number;
  /** The outpost's process id (the node process itself, not a wrapper). */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `palisade outpost` against a core and resolves once it answers for `readyHost` (the host of an
 * application it must serve): the forward-auth endpoint says 401, not "no app for hostname".
 */
export async function startOutpostProcess(options: {
  coreUrl: string;
  token: string;
  readyHost: string;
  env?: Record<string, string>;
  /** The HTTP port (proxy mode: the application's own address); a free one when not given. */
  port?: number;
  timeoutMs?: number;
  /** The program and its arguments (default: the outpost package's own `palisade-outpost`). */
  command?: readonly string[];
}): Promise<OutpostProcess> {
  const [port, httpsPort, metricsPort] = [
    options.port ?? (await freePort()),
    await freePort(),
    await freePort(),
  ];
  const {
    child,
    output: outputOf,
    stop,
  } = spawnOutpost(options.command ?? OUTPOST_COMMAND, {
    AUTHENTIK_HOST: options.coreUrl,
    AUTHENTIK_TOKEN: options.token,
    AUTHENTIK_LISTEN__HTTP: `127.0.0.1:${port}`,
    AUTHENTIK_LISTEN__HTTPS: `127.0.0.1:${httpsPort}`,
    AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${metricsPort}`,
    ...options.env,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`outpost exited with ${child.exitCode}:\n${outputOf()}`);
    const status = await fetch(`${url}/outpost.goauthentik.io/auth/nginx`, {
      headers: { 'x-original-url': `http://${options.readyHost}/` },
      redirect: 'manual',
    }).then(
      (res) => res.status,
      () => 0,
    );
    // 401 (forward modes) or a redirect to sign in (proxy mode): it knows the application. 400: not yet.
    if (status === 401 || status === 200 || status === 302) break;
    if (Date.now() > deadline)
      throw new Error(`outpost not serving ${options.readyHost} (${status}):\n${outputOf()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    metricsPort,
    pid: child.pid ?? 0,
    output: outputOf,
    stop,
  };
}

/** Spawns the outpost program with `env` over this process's environment; its output is collected. */
function spawnOutpost(command: readonly string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'node'), [...command], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An outpost of any type started as users start it, its listeners on free ports of 127.0.0.1. */
export interface ServingOutpost {
  /** The port of each listener, by its name in AUTHENTIK_LISTEN__<NAME> (e.g. LDAPS, RADIUS). */
  ports: Record<string, number>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the outpost program for an outpost's token, each of `listeners` (AUTHENTIK_LISTEN__<NAME>: LDAP,
 * LDAPS, RADIUS, …) on a free port, and resolves once its metrics port answers: the outpost opens its
 * listeners, metrics among them, only after its first configuration fetch (a UDP port cannot be probed).
 */
export async function startServingOutpost(options: {
  coreUrl: string;
  token: string;
  listeners: string[];
  timeoutMs?: number;
}): Promise<ServingOutpost> {
  const ports: Record<string, number> = {};
  // HTTP, HTTPS and metrics too, so no outpost here takes the usual 9000, 9443 and 9300.
  for (const name of [...options.listeners, 'HTTP', 'HTTPS', 'METRICS']) ports[name] = await freePort();
  const env = Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [`AUTHENTIK_LISTEN__${name}`, `127.0.0.1:${port}`]),
  );
  const outpost = spawnOutpost(OUTPOST_COMMAND, {
    AUTHENTIK_HOST: options.coreUrl,
    AUTHENTIK_TOKEN: options.token,
    ...env,
  });
  const answers = () =>
    fetch(`http://127.0.0.1:${ports.METRICS}/metrics`).then(
      () => true,
      () => false,
    );
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await answers())) {
    const problem =
      outpost.child.exitCode !== null
        ? `outpost exited with ${outpost.child.exitCode}`
        : Date.now() > deadline
          ? 'outpost not listening'
          : undefined;
    if (problem) {
      // An outpost that never came up is stopped, or it would keep the test process alive.
      await outpost.stop();
      throw new Error(`${problem}:\n${outpost.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ports, output: outpost.output, stop: outpost.stop };
}
