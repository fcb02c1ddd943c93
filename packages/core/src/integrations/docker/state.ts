import type { AppContext } from '../../context.ts';
import {
  type ConnectionState,
  findStoredConnectionState,
  storeConnectionState,
} from '../service-connections-repository.ts';
import { type DockerClientEnvironment, openDockerClient } from './client.ts';
import type { DockerConnection } from './connections-repository.ts';

/** A stored state younger than this is answered as is; an older one is checked again on demand. */
export const STATE_FRESH_MS = 60_000;

/**
 * Asks the daemon for its version (`GET /info`, System/Info) and stores the answer in the base row
 * (controllers.md §3.5): any failure, an invalid connection included, is "unhealthy" with an empty version
 * and the reason.
 */
export async function checkDockerState(
  ctx: AppContext,
  connection: DockerConnection,
  environment?: DockerClientEnvironment,
): Promise<ConnectionState & { error?: string }> {
  let state: ConnectionState & { error?: string };
  try {
    const client = await openDockerClient(ctx, connection, environment);
    try {
      const info = (await client.docker.info()) as { ServerVersion?: string };
      state = { healthy: true, version: info.ServerVersion ?? '' };
    } finally {
      await client.close();
    }
  } catch (error) {
    state = { healthy: false, version: '', error: (error as Error).message };
  }
  await storeConnectionState(ctx.db, connection.uuid, { healthy: state.healthy, version: state.version });
  return state;
}

/**
 * The state the API shows: the stored one while fresh, else checked now. Unlike the reference (which answers
 * "unhealthy" and checks in the background, issues #5780/#7279), a new connection shows its real state at once.
 */
export async function dockerState(
  ctx: AppContext,
  connection: DockerConnection,
  environment?: DockerClientEnvironment,
): Promise<ConnectionState> {
  const stored = await findStoredConnectionState(ctx.db, connection.uuid);
  if (stored && Date.now() - stored.checked.getTime() < STATE_FRESH_MS)
    return { healthy: stored.healthy, version: stored.version };
  const { healthy, version } = await checkDockerState(ctx, connection, environment);
  return { healthy, version };
}
