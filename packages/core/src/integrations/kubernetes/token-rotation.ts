import type { AppContext } from '../../context.ts';
import { queryOne } from '../../db/database.ts';
import { ApiError, assertThat, notFound, validationFailed } from '../../http/api-error.ts';
import { deleteToken, updateToken } from '../../identity/tokens-repository.ts';
import { defaultOutpostConfig, storedOutpostConfig } from '../../outposts/config.ts';
import { notifyOutposts } from '../../outposts/hub/changes.ts';
import { findOutpost, type Outpost } from '../../outposts/outposts-repository.ts';
import { ensureOutpostServiceAccount, outpostTokenIdentifier } from '../../outposts/service-account.ts';
import type { TaskLog } from '../tasks.ts';
import { type KubeClient, type KubeObject, refOf } from './client.ts';
import { findKubernetesConnection } from './connections-repository.ts';
import { TOKEN_ANNOTATION } from './workload-objects.ts';

/**
 * Rotating an outpost's token without a gap (a Palisade addition; the reference never rotates): a new key
 * goes into the Secret, the Deployment's pod template changes with it (so its pods roll), and the old key
 * stays valid until the Deployment reports the new pods ready, then it is revoked.
 */

/** Starts a rotation: the current token is kept under another identifier, a new one takes its place. */
export async function startTokenRotation(
  ctx: AppContext,
  outpostUuid: string,
): Promise<{ tokenIdentifier: string; retiringIdentifier: string }> {
  const started = await ctx.db.transaction(async (tx) => {
    const outpost = await findOutpost(tx, outpostUuid);
    assertThat(outpost, notFound);
    const config = storedOutpostConfig(outpost.config, defaultOutpostConfig(ctx.config));
    const connection = outpost.serviceConnection
      ? await findKubernetesConnection(tx, ctx.box, outpost.serviceConnection)
      : undefined;
    assertThat(connection && !config.kubernetes_disabled_components.includes('deployment'), () =>
      validationFailed({
        service_connection: [
          'Only an outpost whose Deployment the Kubernetes integration manages rotates in place.',
        ],
      }),
    );
    const pending = await queryOne(tx, 'SELECT 1 FROM outpost_token_rotations WHERE outpost_uuid = $1', [
      outpostUuid,
    ]);
    if (pending)
      throw new ApiError('invalid', 'A token rotation of this outpost is still waiting for new pods.');
    const { token } = await ensureOutpostServiceAccount(tx, ctx.box, outpost);
    const retiringIdentifier = `${token.identifier}-retiring`;
    await updateToken(tx, token.identifier, {
      identifier: retiringIdentifier,
      managed: null,
      description: `Previous token of outpost ${outpost.name}, revoked once its new pods are ready`,
    });
    await ensureOutpostServiceAccount(tx, ctx.box, outpost);
    await tx.query(
      'INSERT INTO outpost_token_rotations (outpost_uuid, old_token_identifier) VALUES ($1, $2)',
      [outpostUuid, retiringIdentifier],
    );
    // The controller runs (new Secret, rollout) and the instances reload, once this commits.
    await notifyOutposts(tx, [outpostUuid]);
    return { tokenIdentifier: outpostTokenIdentifier(outpost), retiringIdentifier };
  });
  return started;
}

/** Outposts with a rotation waiting for their pods. */
export async function pendingRotations(ctx: AppContext): Promise<string[]> {
  return (
    await ctx.db.query<{ outpost_uuid: string }>('SELECT outpost_uuid FROM outpost_token_rotations')
  ).map((r) => r.outpost_uuid);
}

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
  const pending = await queryOne<{ old_token_identifier: string }>(
    ctx.db,
    'SELECT old_token_identifier FROM outpost_token_rotations WHERE outpost_uuid = $1',
    [outpost.uuid],
  );
  if (!pending) return;
  const annotation = (d: KubeObject | undefined) =>
    (d?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template
      ?.metadata?.annotations?.[TOKEN_ANNOTATION];
  const live = await client.get(refOf(desired));
  if (!live || annotation(live) !== annotation(desired) || !isRolledOut(live)) {
    log.add('info', 'Deployment: waiting for the new pods before revoking the previous token');
    return;
  }
  await ctx.db.transaction(async (tx) => {
    await deleteToken(tx, pending.old_token_identifier);
    await tx.query('DELETE FROM outpost_token_rotations WHERE outpost_uuid = $1', [outpost.uuid]);
  });
  log.add('info', 'Deployment: new pods are ready; revoked the previous token');
}
