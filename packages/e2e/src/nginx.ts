import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * Starts nginx with `http` as the body of its `http {}` block (servers listen on `port`). Paths nginx
 * needs (temp files, pid, logs) live in a temp folder; workers run as root because CI does, and so the temp
 * folder needs no permission changes.
 */
export async function startNginx(port: number, http: string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-nginx-'));
  const config = `
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
  await writeFile(join(dir, 'nginx.conf'), config);
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
