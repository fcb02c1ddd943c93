import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type Database, notify, NOTIFY_PAYLOAD_LIMIT, type Queryable } from '../../db/database.ts';

/**
 * The cluster bus: what one core process tells every core process (itself included) over PostgreSQL
 * LISTEN/NOTIFY, so an outpost hears of a change whichever replica holds its websocket. Payloads carry ids
 * only; each process looks up whatever else it needs.
 */
export const CLUSTER_CHANNEL = 'palisade_cluster';

// A pattern, not format: 'uuid' (TypeBox's Value.Check knows no formats unless registered).
const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

/** The messages of the cluster bus. */
export const ClusterMessage = Type.Union([
  /** Send TRIGGER_UPDATE to every connected instance of these outposts. */
  Type.Object({ type: Type.Literal('outposts.update'), outpost_uuids: Type.Array(Uuid, { minItems: 1 }) }),
  /** Send SESSION_END for this session digest to every connected instance of every outpost. */
  Type.Object({ type: Type.Literal('session.end'), session_id: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
]);

/** One cluster-bus message. */
export type ClusterMessage = Static<typeof ClusterMessage>;

// A uuid takes 39 bytes in the JSON array; this many fit in one payload with room for the envelope.
const UUIDS_PER_NOTIFICATION = Math.floor((NOTIFY_PAYLOAD_LIMIT - 100) / 39);

/**
 * Publishes a message to every core process. Through a transaction it is delivered only when (and if) the
 * transaction commits. A long outpost list is split across notifications to stay under PostgreSQL's limit.
 */
export async function publishClusterMessage(db: Queryable, message: ClusterMessage): Promise<void> {
  if (message.type !== 'outposts.update') {
    await notify(db, CLUSTER_CHANNEL, JSON.stringify(message));
    return;
  }
  const uuids = [...new Set(message.outpost_uuids)];
  for (let i = 0; i < uuids.length; i += UUIDS_PER_NOTIFICATION) {
    const chunk = uuids.slice(i, i + UUIDS_PER_NOTIFICATION);
    await notify(db, CLUSTER_CHANNEL, JSON.stringify({ type: message.type, outpost_uuids: chunk }));
  }
}

/** Parses a payload off the channel; undefined when it is not a cluster message (logged by the caller). */
export function parseClusterMessage(payload: string): ClusterMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  return Value.Check(ClusterMessage, value) ? value : undefined;
}

/**
 * Subscribes to the cluster bus. `onMalformed` hears payloads that are not cluster messages; `onResubscribed`
 * runs after the listening connection came back from a loss, when messages may have been missed.
 */
export async function subscribeClusterBus(
  db: Database,
  handlers: {
    onMessage: (message: ClusterMessage) => void;
    onMalformed: (payload: string) => void;
    onResubscribed: () => void;
  },
): Promise<() => Promise<void>> {
  return db.listen(
    CLUSTER_CHANNEL,
    (payload) => {
      const message = parseClusterMessage(payload);
      if (message) handlers.onMessage(message);
      else handlers.onMalformed(payload);
    },
    handlers.onResubscribed,
  );
}
