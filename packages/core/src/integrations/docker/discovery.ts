import { accessSync, constants, statSync } from 'node:fs';
import type { AppContext } from '../../context.ts';
import { uniqueViolation } from '../../http/api-error.ts';
import { DEFAULT_DOCKER_SOCKET } from './client.ts';
import { hasLocalDockerConnection, insertDockerConnection } from './connections-repository.ts';
import type { TaskLog } from '../tasks.ts';

/** The task name of discovery runs. */
export const DISCOVERY_TASK = 'outpost_connection_discovery';

/** The name of the connection discovery creates (the reference's). */
export const LOCAL_CONNECTION_NAME = 'Local Docker connection';

/** The socket the core can use: DOCKER_HOST's when it names a unix socket, else the default path. */
function localSocket(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return DEFAULT_DOCKER_SOCKET;
}

function isUsableSocket(path: string): boolean {
  try {
    if (!statSync(path).isSocket()) return false;
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Docker discovery (controllers.md §3.6 step 4): when a Docker socket is there and usable and no local
 * connection exists, creates "Local Docker connection". Answers whether it created one.
 */
export async function discoverLocalDocker(
  ctx: AppContext,
  log: TaskLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  if (!ctx.config.outposts.discover) {
    log.add('info', 'Outpost integration discovery is disabled');
    return false;
  }
  const socket = localSocket(env);
  if (!isUsableSocket(socket) || (await hasLocalDockerConnection(ctx.db))) return false;
  log.add('info', 'Detected local docker socket');
  try {
    // Base row and Docker row together, or neither.
    await ctx.db.transaction((tx) =>
      insertDockerConnection(tx, {
        name: LOCAL_CONNECTION_NAME,
        local: true,
        url: `unix://${socket}`,
        tlsVerification: null,
        tlsAuthentication: null,
      }),
    );
  } catch (error) {
    // Several replicas starting at once: the unique name lets one insert win.
    if (uniqueViolation(error)) return false;
    throw error;
  }
  log.add('info', 'Created Service Connection for docker');
  return true;
}
