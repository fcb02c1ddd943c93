import type { AppContext } from '../../context.ts';
import type { Outpost } from '../../outposts/outposts-repository.ts';
import type { TaskLog } from '../tasks.ts';
import { finishRotation, pendingRotation } from '../token-rotation.ts';
import { type KubeClient, type KubeObject, refOf } from './client.ts';
import { TOKEN_ANNOTATION } from './workload-objects.ts';

/**
 * The Kubernetes side of a token rotation (../token-rotation.ts starts it): the new key goes into the Secret,
 * the Deployment's pod template changes with it (so its pods roll), and the old key stays valid until the
 * Deployment reports the new pods ready, then it is revoked.
 */

/**
 * Answers whether a Deployment has rolled out its current template: the controller saw the latest spec,
 * every replica runs it and is ready, and no old pod is left.
 */
export function isRolledOut(deployment: KubeObject): boolean {
  const generation = Number(deployment.metadata.generation ?? 0);
  const spec = (deployment.spec ?? {}) as { replicas?: number };
  const status = (deployment.status ?? {}) as Record<string, number | undefined>;
  const want = spec.replicas ?? 1;
  return (
    (status.observedGeneration ?? 0) >= generation &&
    (status.updatedReplicas ?? 0) >= want &&
    (status.readyReplicas ?? 0) >= want &&
    (status.replicas ?? 0) <= want
  );
}

/** During a run: revokes the old token once the live Deployment carries the new token and is rolled out. */
export async function finishTokenRotation(
  ctx: AppContext,
  outpost: Outpost,
  client: KubeClient,
  desired: KubeObject,
  log: TaskLog,
): Promise<void> {
  if (!(await pendingRotation(ctx.db, outpost.uuid))) return;
  const annotation = (d: KubeObject | undefined) =>
    (d?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template
      ?.metadata?.annotations?.[TOKEN_ANNOTATION];
  const live = await client.get(refOf(desired));
  if (!live || annotation(live) !== annotation(desired) || !isRolledOut(live)) {
    log.add('info', 'Deployment: waiting for the new pods before revoking the previous token');
    return;
  }
  await finishRotation(ctx, outpost.uuid);
  log.add('info', 'Deployment: new pods are ready; revoked the previous token');
}
