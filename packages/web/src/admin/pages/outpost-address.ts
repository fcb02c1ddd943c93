/** Where an outpost can be reached, as far as the console knows it (for the providers' setup snippets). */
import { outpostObjectName } from '@palisade/core/outposts/deployment-spec';
import type { Outpost, OutpostConfig } from '../../lib/types.ts';

/** The outpost's address inside a cluster, from its naming template and namespace. */
export function clusterAddress(outpost: Outpost): { service: string; namespace: string } {
  const config = outpost.config as unknown as OutpostConfig;
  const namespace =
    typeof outpost.config.kubernetes_namespace === 'string' ? outpost.config.kubernetes_namespace : 'default';
  return { service: outpostObjectName({ uuid: outpost.pk, name: outpost.name }, config), namespace };
}
