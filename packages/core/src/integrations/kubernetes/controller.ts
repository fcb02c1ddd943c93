import type { AppContext } from '../../context.ts';
import { findOutpost, type Outpost } from '../../outposts/outposts-repository.ts';
import { recordTask, type TaskLog, type TaskLogLine, type TaskStatus } from '../tasks.ts';
import { type KubeClient, type KubeObject, type ObjectRef, refOf } from './client.ts';
import { holds, objectHash } from './compare.ts';
import { type BuiltComponent, buildComponents, componentTitle } from './components.ts';
import { clientForConnection } from './connection-state.ts';
import { findKubernetesConnection } from './connections-repository.ts';
import { discoverCapabilities, loadBuildInput } from './load-input.ts';
import {
  type AppliedObject,
  appliedObjectsOf,
  forgetApplied,
  rememberApplied,
} from './objects-repository.ts';
import { finishTokenRotation } from './token-rotation.ts';

/**
 * The Kubernetes controller's run for one outpost (controllers.md §5): build every component, server-side
 * apply what changed as `goauthentik.io`, remove what it applied before and no longer wants (rename,
 * namespace move, other connection, outpost deleted), finish a token rotation once new pods are ready. A
 * failing component is logged as an error and the others still run. Each run is a system task.
 */

/** The task's actor name (the reference's `outpost_controller`). */
export const CONTROLLER_ACTOR = 'outpost_controller';

const keyOf = (connectionUuid: string, ref: ObjectRef) =>
  [connectionUuid, ref.apiVersion, ref.kind, ref.namespace, ref.name].join('|');
const describe = (ref: ObjectRef) => `${ref.kind} ${ref.namespace}/${ref.name}`;

/** Runs the controller for an outpost (or what is left of a deleted one); undefined if a run is already going. */
export async function reconcileOutpost(
  ctx: AppContext,
  outpostUuid: string,
): Promise<{ status: TaskStatus; lines: TaskLogLine[] } | undefined> {
  const outpost = await findOutpost(ctx.db, outpostUuid);
  return recordTask(
    ctx.db,
    {
      actorName: CONTROLLER_ACTOR,
      uid: `${outpostUuid}/kubernetes`,
      description: `Create/update/monitor/delete the Kubernetes deployment of outpost ${outpost?.name ?? outpostUuid}.`,
      relObjModel: 'outpost',
      relObjId: outpostUuid,
    },
    (log) => run(ctx, outpostUuid, outpost, log),
  );
}

/** Applies one object unless the cluster already holds what was last applied; answers what it did. */
async function applyObject(
  client: KubeClient,
  object: KubeObject,
  record: AppliedObject | undefined,
): Promise<{ action: 'created' | 'updated' | 'unchanged'; resourceVersion: string }> {
  const live = await client.get(refOf(object));
  const liveVersion = String(live?.metadata.resourceVersion ?? '');
  if (
    live &&
    record?.appliedHash === objectHash(object) &&
    (liveVersion === record.resourceVersion || holds(live, object))
  ) {
    return { action: 'unchanged', resourceVersion: record.resourceVersion };
  }
  // Forced: the controller owns these fields; another manager's edit of one of them is drift to undo.
  const applied = await client.apply(object, { force: true });
  return {
    action: live ? 'updated' : 'created',
    resourceVersion: String(applied.metadata.resourceVersion ?? ''),
  };
}

async function applyComponents(
  ctx: AppContext,
  connectionUuid: string,
  outpostUuid: string,
  client: KubeClient,
  components: BuiltComponent[],
  records: Map<string, AppliedObject>,
  log: TaskLog,
): Promise<Set<string>> {
  const keep = new Set<string>();
  for (const component of components) {
    const title = componentTitle(component.name);
    const ownRecords = [...records.entries()].filter(
      ([, r]) => r.connectionUuid === connectionUuid && r.component === component.name,
    );
    if (component.disabled || component.error) {
      // Disabled: neither created nor deleted (controllers.md §5.1); failed: left as it was.
      for (const [key] of ownRecords) keep.add(key);
      if (component.disabled) log.add('info', `${title}: Disabled`);
      else log.add('error', `${title}: ${component.error}`);
      continue;
    }
    if (component.objects.length === 0) log.add('debug', `${title}: Object is noop`);
    for (const object of component.objects) {
      const ref = refOf(object);
      const key = keyOf(connectionUuid, ref);
      keep.add(key);
      try {
        const { action, resourceVersion } = await applyObject(client, object, records.get(key));
        if (action === 'unchanged') {
          log.add('debug', `${title}: Object is up-to-date.`, { object: describe(ref) });
          continue;
        }
        log.add('info', `${title}: ${action === 'created' ? 'Created' : 'Updated'} ${describe(ref)}`);
        const applied = {
          ...ref,
          connectionUuid,
          outpostUuid,
          component: component.name,
          appliedHash: objectHash(object),
          resourceVersion,
        };
        await rememberApplied(ctx.db, applied);
      } catch (error) {
        log.add('error', `${title}: ${(error as Error).message}`, { object: describe(ref) });
      }
    }
  }
  return keep;
}

async function run(ctx: AppContext, outpostUuid: string, outpost: Outpost | undefined, log: TaskLog) {
  const records = new Map(
    (await appliedObjectsOf(ctx.db, outpostUuid)).map((r) => [keyOf(r.connectionUuid, r), r]),
  );
  const clients = new Map<string, KubeClient | undefined>();
  const clientOf = async (uuid: string) => {
    if (!clients.has(uuid)) {
      const connection = await findKubernetesConnection(ctx.db, ctx.box, uuid);
      clients.set(uuid, connection && clientForConnection(ctx, connection));
    }
    return clients.get(uuid);
  };
  let keep = new Set<string>();
  const connection = outpost?.serviceConnection
    ? await findKubernetesConnection(ctx.db, ctx.box, outpost.serviceConnection)
    : undefined;
  if (outpost && connection) {
    const client = await clientOf(connection.uuid);
    if (!client) throw new Error('the service connection is gone');
    const input = await loadBuildInput(ctx, outpost, await discoverCapabilities(client));
    const components = buildComponents(input);
    keep = await applyComponents(ctx, connection.uuid, outpostUuid, client, components, records, log);
    const deployment = components.find((c) => c.name === 'deployment');
    if (deployment?.objects[0] && !deployment.disabled)
      await finishTokenRotation(ctx, outpost, client, deployment.objects[0], log);
  }
  for (const [key, record] of records) {
    if (keep.has(key)) continue;
    const title = componentTitle(record.component);
    try {
      const client = await clientOf(record.connectionUuid);
      if (client) await client.delete(record);
      await forgetApplied(ctx.db, record.connectionUuid, record);
      log.add('info', `${title}: Removed ${describe(record)}`);
    } catch (error) {
      log.add('error', `${title}: ${(error as Error).message}`, { object: describe(record) });
    }
  }
  if (!outpost) log.add('info', 'Outpost deleted: removed what was deployed for it.');
}
