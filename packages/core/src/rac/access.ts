import { allApplications } from '../applications/applications-repository.ts';
import type { Queryable } from '../db/database.ts';
import { type AccessResult, evaluateAccess } from '../policies/engine.ts';
import { launchableRacEndpoints } from './endpoints-repository.ts';

/**
 * Whether `userId` passes an endpoint's own policy bindings (any one binding suffices, the reference's
 * default mode for a policy binding model). The application's bindings are checked apart, by its launch.
 */
export function evaluateEndpointAccess(
  db: Queryable,
  endpointUuid: string,
  userId: number,
): Promise<AccessResult> {
  return evaluateAccess(db, endpointUuid, 'any', userId);
}

/**
 * The endpoints `userId` may open: their provider serves an application the user passes, and the user
 * passes the endpoint's bindings. Evaluated fresh on every call (no cache to go stale after a binding change).
 */
export async function endpointsUserMayOpen(
  db: Queryable,
  userId: number,
  providerId?: number,
): Promise<string[]> {
  const applications = new Map((await allApplications(db)).map((a) => [a.uuid, a]));
  const allowedApps = new Map<string, boolean>();
  const allowed: string[] = [];
  for (const { uuid, applicationUuid } of await launchableRacEndpoints(db, providerId)) {
    const application = applications.get(applicationUuid);
    if (!application) continue;
    if (!allowedApps.has(applicationUuid)) {
      const access = await evaluateAccess(db, applicationUuid, application.policyEngineMode, userId);
      allowedApps.set(applicationUuid, access.passing);
    }
    if (!allowedApps.get(applicationUuid)) continue;
    if ((await evaluateEndpointAccess(db, uuid, userId)).passing) allowed.push(uuid);
  }
  return allowed;
}
