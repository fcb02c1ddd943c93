import type { AppContext } from '../../context.ts';
import type { KubeClient } from './client.ts';
import { findKubernetesConnection, type KubernetesConnection } from './connections-repository.ts';
import { inClusterAccess, kubeconfigAccess } from './kubeconfig.ts';
import { kubernetesOptions } from './options.ts';
import { type ConnectionState, storeConnectionState } from '../service-connections-repository.ts';

/** The client of a connection: in-cluster for a local one, else the kubeconfig's current context. */
export function clientForConnection(ctx: AppContext, connection: KubernetesConnection): KubeClient {
  const options = kubernetesOptions(ctx);
  const access = connection.local
    ? inClusterAccess(options.inCluster, connection.verifySsl)
    : kubeconfigAccess(connection.kubeconfig, connection.verifySsl);
  return options.createClient(access);
}

/**
 * Checks a Kubernetes connection now (controllers.md §3.4, §3.5): `GET /version` answers → healthy with its
 * gitVersion; any failure (unreachable, refused credentials, unusable config) → unhealthy with an empty
 * version. The result is stored as the connection's last state. Undefined when no such connection exists.
 */
export async function kubernetesConnectionState(
  ctx: AppContext,
  uuid: string,
): Promise<ConnectionState | undefined> {
  const connection = await findKubernetesConnection(ctx.db, ctx.box, uuid);
  if (!connection) return undefined;
  let state: ConnectionState;
  try {
    state = { healthy: true, version: await clientForConnection(ctx, connection).version() };
  } catch {
    state = { healthy: false, version: '' };
  }
  await storeConnectionState(ctx.db, uuid, state);
  return state;
}
