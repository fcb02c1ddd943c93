import type { Queryable } from '../db/database.ts';
import { listLiveInstances, type OutpostInstance } from '../outposts/hub/instances-repository.ts';
import type { ChosenInstance } from './connections-repository.ts';

/** An instance's load as its last HELLO reported it (`args.active_connections`); anything else counts as 0. */
function activeConnections(instance: OutpostInstance): number {
  const value = Number(instance.args.active_connections);
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * For each RAC outpost serving the provider, its live instance with the fewest active connections (spec
 * §3.3, 3; ties go to the one heard from last). Every chosen instance is asked to dial; the first relay
 * socket to arrive wins the channel.
 */
export async function chooseRacInstances(db: Queryable, providerId: number): Promise<ChosenInstance[]> {
  const outposts = await db.query<{ uuid: string }>(
    `SELECT o.uuid FROM outposts o JOIN outpost_providers op ON op.outpost_uuid = o.uuid
     WHERE op.provider_id = $1 AND o.type = 'rac' ORDER BY o.uuid`,
    [providerId],
  );
  const chosen: ChosenInstance[] = [];
  for (const outpost of outposts) {
    const instances = await listLiveInstances(db, outpost.uuid);
    const [best] = instances.sort(
      (a, b) => activeConnections(a) - activeConnections(b) || b.lastSeen.getTime() - a.lastSeen.getTime(),
    );
    if (best) chosen.push({ outpostUuid: outpost.uuid, uid: best.uid });
  }
  return chosen;
}
