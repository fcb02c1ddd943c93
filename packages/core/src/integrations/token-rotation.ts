import type { AppContext } from '../context.ts';
import { type Queryable, queryOne } from '../db/database.ts';
import { ApiError, assertThat, notFound, validationFailed } from '../http/api-error.ts';
import { deleteToken, updateToken } from '../identity/tokens-repository.ts';
import { defaultOutpostConfig, storedOutpostConfig } from '../outposts/config.ts';
import { notifyOutposts } from '../outposts/hub/changes.ts';
import { findOutpost, type Outpost } from '../outposts/outposts-repository.ts';
import { ensureOutpostServiceAccount, outpostTokenIdentifier } from '../outposts/service-account.ts';

/**
 * Rotating an outpost's token without a gap (a Palisade addition; the reference never rotates), shared by
 * the Docker and Kubernetes integrations: the current token is kept valid under `<identifier>-retiring`, a
 * new one takes its place, and the integration's controller rolls the outpost's containers or pods onto it.
 * Once the new ones are healthy and the old ones gone, the controller revokes the retiring token.
 */

/** The outposts a rotation can roll: those an integration deploys (a Kubernetes one with its Deployment). */
async function isRollable(ctx: AppContext, db: Queryable, outpost: Outpost): Promise<boolean> {
  if (!outpost.serviceConnection) return false;
  const row = await queryOne<{ kind: string }>(db, 'SELECT kind FROM service_connections WHERE uuid = $1', [
    outpost.serviceConnection,
  ]);
  if (row?.kind === 'docker') return true;
  const config = storedOutpostConfig(outpost.config, defaultOutpostConfig(ctx.config));
  return row?.kind === 'kubernetes' && !config.kubernetes_disabled_components.includes('deployment');
}

/** Starts a rotation: the current token is kept under another identifier, a new one takes its place. */
export async function startTokenRotation(
  ctx: AppContext,
  outpostUuid: string,
): Promise<{ tokenIdentifier: string; retiringIdentifier: string }> {
  return ctx.db.transaction(async (tx) => {
    const outpost = await findOutpost(tx, outpostUuid);
    assertThat(outpost, notFound);
    assertThat(await isRollable(ctx, tx, outpost), () =>
      validationFailed({
        service_connection: [
          'Only an outpost the Docker integration deploys, or whose Deployment the Kubernetes integration manages, rotates in place.',
        ],
      }),
    );
    if (await pendingRotation(tx, outpostUuid))
      throw new ApiError('invalid', 'A token rotation of this outpost is still rolling out.');
    const { token } = await ensureOutpostServiceAccount(tx, ctx.box, outpost);
    const retiringIdentifier = `${token.identifier}-retiring`;
    await updateToken(tx, token.identifier, {
      identifier: retiringIdentifier,
      managed: null,
      description: `Previous token of outpost ${outpost.name}, revoked once its new deployment is healthy`,
    });
    await ensureOutpostServiceAccount(tx, ctx.box, outpost);
    await tx.query(
      'INSERT INTO outpost_token_rotations (outpost_uuid, old_token_identifier) VALUES ($1, $2)',
      [outpostUuid, retiringIdentifier],
    );
    // The controller runs (new Secret or containers) and the instances reload, once this commits.
    await notifyOutposts(tx, [outpostUuid]);
    return { tokenIdentifier: outpostTokenIdentifier(outpost), retiringIdentifier };
  });
}

/** The retiring token's identifier of an outpost's rotation in progress, if one is. */
export async function pendingRotation(db: Queryable, outpostUuid: string): Promise<string | undefined> {
  const row = await queryOne<{ old_token_identifier: string }>(
    db,
    'SELECT old_token_identifier FROM outpost_token_rotations WHERE outpost_uuid = $1',
    [outpostUuid],
  );
  return row?.old_token_identifier;
}

/** Outposts with a rotation still rolling out. */
export async function pendingRotations(db: Queryable): Promise<string[]> {
  return (await db.query<{ outpost_uuid: string }>('SELECT outpost_uuid FROM outpost_token_rotations')).map(
    (r) => r.outpost_uuid,
  );
}

/** Ends a rotation: the retiring token stops working. */
export async function finishRotation(ctx: AppContext, outpostUuid: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const retiring = await pendingRotation(tx, outpostUuid);
    if (retiring) await deleteToken(tx, retiring);
    await tx.query('DELETE FROM outpost_token_rotations WHERE outpost_uuid = $1', [outpostUuid]);
  });
}

/**
 * Outposts an integration deploys whose token is at least `days` old and not being rotated: the schedule
 * rotates them (`outposts.token_rotation_days`; 0 never).
 */
export async function outpostsDueForRotation(ctx: AppContext, days: number): Promise<string[]> {
  if (days <= 0) return [];
  const rows = await ctx.db.query<{ uuid: string }>(
    `SELECT o.uuid FROM outposts o
     JOIN service_connections c ON c.uuid = o.service_connection
     JOIN tokens t ON t.identifier = 'ak-outpost-' || o.uuid || '-api'
     WHERE t.created <= now() - make_interval(days => $1::int)
       AND NOT EXISTS (SELECT 1 FROM outpost_token_rotations r WHERE r.outpost_uuid = o.uuid)`,
    [days],
  );
  const due: string[] = [];
  for (const { uuid } of rows) {
    const outpost = await findOutpost(ctx.db, uuid);
    if (outpost && (await isRollable(ctx, ctx.db, outpost))) due.push(uuid);
  }
  return due;
}
