import type { AppContext } from '../../context.ts';
import { defaultOutpostConfig, storedOutpostConfig } from '../../outposts/config.ts';
import type { Outpost } from '../../outposts/outposts-repository.ts';
import { outpostTokenKey } from '../../outposts/service-account.ts';
import type { ProxyMode } from '../../proxy/providers-repository.ts';
import type { KubeClient } from './client.ts';
import type { BuildInput, ClusterCapabilities, RoutedProvider } from './build-input.ts';
import type { Queryable } from '../../db/database.ts';

/** Asks the cluster which optional CRDs it serves (discovery by group/version, controllers.md §5.5). */
export async function discoverCapabilities(client: KubeClient): Promise<ClusterCapabilities> {
  const serves = async (groupVersion: string, resource: string) =>
    (await client.resources(groupVersion))?.includes(resource) ?? false;
  let middlewareApiVersion: string | null = null;
  if (await serves('traefik.io/v1alpha1', 'middlewares')) middlewareApiVersion = 'traefik.io/v1alpha1';
  else if (await serves('traefik.containo.us/v1alpha1', 'middlewares'))
    middlewareApiVersion = 'traefik.containo.us/v1alpha1';
  return {
    middlewareApiVersion,
    serviceMonitor: await serves('monitoring.coreos.com/v1', 'servicemonitors'),
    gatewayApi: await serves('gateway.networking.k8s.io/v1', 'httproutes'),
  };
}

/** The external hosts and modes of a proxy outpost's providers (none for other types). */
export async function routedProvidersOf(
  db: Queryable,
  outpost: Pick<Outpost, 'uuid' | 'type'>,
): Promise<RoutedProvider[]> {
  if (outpost.type !== 'proxy') return [];
  return db.query<{ externalHost: string; mode: ProxyMode }>(
    `SELECT pp.external_host AS "externalHost", pp.mode FROM proxy_providers pp
     JOIN outpost_providers op ON op.provider_id = pp.provider_id
     WHERE op.outpost_uuid = $1::uuid ORDER BY pp.provider_id`,
    [outpost.uuid],
  );
}

/** Reads what an outpost's objects are built from: its config, token key, proxy providers. */
export async function loadBuildInput(
  ctx: AppContext,
  outpost: Outpost,
  capabilities: ClusterCapabilities,
): Promise<BuildInput> {
  const config = storedOutpostConfig(outpost.config, defaultOutpostConfig(ctx.config));
  const tokenKey = await ctx.db.transaction((tx) => outpostTokenKey(tx, ctx.box, outpost));
  const providers = await routedProvidersOf(ctx.db, outpost);
  return {
    outpost,
    config,
    tokenKey,
    version: ctx.version,
    imageBase: ctx.config.outposts.container_image_base,
    providers,
    capabilities,
  };
}
