import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runForeground } from './wait.ts';

/** A real nginx (Debian's) running one generated configuration, in the foreground, in its own folder. */
export interface Nginx {
  port: number;
  dir: string;
  /** What nginx wrote to its error log. */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A whole nginx.conf with `http` as the body of its `http {}` block. Paths nginx needs (temp files, pid,
 * logs) live in `dir`; workers run as root because CI does, and so the folder needs no permission changes.
 */
function nginxConf(dir: string, http: string): string {
  return `
user root;
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 512; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${http}
}
`;
}

/** Starts nginx with `http` as the body of its `http {}` block (servers listen on `port`). */
export async function startNginx(port: number, http: string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-nginx-'));
  await writeFile(join(dir, 'nginx.conf'), nginxConf(dir, http));
  const service = await runForeground('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], port);
  return {
    port,
    dir,
    errorLog: async () => readFile(join(dir, 'error.log'), 'utf8').catch(() => ''),
    stop: async () => {
      // SIGQUIT: nginx's graceful shutdown.
      await service.stop('SIGQUIT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `nginx -t` on a configuration with `http` as its `http {}` block: resolves with nginx's output when
 * it loads, rejects with it when nginx refuses it.
 */
export async function checkNginx(http: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-nginx-t-'));
  try {
    await writeFile(join(dir, 'nginx.conf'), nginxConf(dir, http));
    const { stderr } = await promisify(execFile)('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')]);
    return stderr;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`nginx -t refused the configuration:\n${failed.stderr ?? failed.message}\n${http}`, {
      cause: error,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
