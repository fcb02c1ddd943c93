import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { OutpostInstruction } from '@palisade/schema';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocketServer } from 'ws';
import type { AppContext } from '../../context.ts';
import { type ClusterMessage, subscribeClusterBus } from './cluster-bus.ts';
import { type InstanceConnection, serveInstance } from './connection.ts';
import { decideHandshake, isOutpostSocketPath } from './handshake.ts';
import { pruneSilentInstances } from './instances-repository.ts';
import { refuseUpgrade } from './refuse-upgrade.ts';
import { bridgeSessionEnds } from './session-end.ts';
import { replaySessionEnds, sessionsToReplay } from './session-end-replay.ts';

/** Largest frame an outpost may send; HELLOs are a few hundred bytes. Larger frames close the socket (1009). */
export const MAX_FRAME_BYTES = 64 * 1024;
/** How often each socket is pinged; one that has not answered by the next ping is cut off. */
const PING_INTERVAL_MS = 20_000;
/** Instances silent this long are deleted (restarted outposts come back under a new uid). */
const PRUNE_AFTER_SECONDS = 24 * 3600;
const PRUNE_INTERVAL_MS = 3600_000;

/** Settings a test changes. */
export interface OutpostHubOptions {
  /** Keepalive ping period (default 20 s). */
  pingIntervalMs?: number;
}

/** The outpost websocket hub of one core process. */
export interface OutpostHub {
  /** Takes an HTTP upgrade for `/ws/outpost/<uuid>/`; answers false for other paths (left to others). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Starts listening on the cluster bus and for ended sessions. */
  start(): Promise<void>;
  /** Closes every socket (1001 going away) and stops listening; idempotent. */
  close(): Promise<void>;
  /** Connected instances per outpost uuid, on this process (for the `outposts_connected` gauge). */
  connectedInstances(): Map<string, number>;
  /**
   * Sends one message to one instance if its socket is on this process (an RAC init_connection is for one
   * instance, not every instance of the outpost); false when it is not here or could not be sent.
   */
  sendToInstance(
    outpostUuid: string,
    uid: string,
    instruction: number,
    args: Record<string, unknown>,
  ): boolean;
}

/**
 * Creates the hub: it authenticates websocket handshakes, serves each instance (connection.ts), and forwards
 * what the cluster bus says to the local sockets: TRIGGER_UPDATE to the instances of updated outposts and
 * SESSION_END to every instance (and, to each instance that connects, the recently ended sessions again:
 * session-end-replay.ts). Changes reach it whichever core process made them.
 */
export function createOutpostHub(
  ctx: AppContext,
  log: FastifyBaseLogger,
  options: OutpostHubOptions = {},
): OutpostHub {
  const hubLog = log.child({ component: 'outpost-hub' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: false });
  const byOutpost = new Map<string, Set<InstanceConnection>>();
  const stops: (() => Promise<void> | void)[] = [];
  let closing = false;

  const all = () => [...byOutpost.values()].flatMap((set) => [...set]);

  const refuse = refuseUpgrade;

  function register(connection: InstanceConnection): void {
    const set = byOutpost.get(connection.outpostUuid) ?? new Set();
    set.add(connection);
    byOutpost.set(connection.outpostUuid, set);
    hubLog.info({ outpost: connection.outpostUuid, instance: connection.uid }, 'outpost instance connected');
    connection.socket.once('close', (code) => {
      set.delete(connection);
      if (set.size === 0 && byOutpost.get(connection.outpostUuid) === set)
        byOutpost.delete(connection.outpostUuid);
      hubLog.info(
        { outpost: connection.outpostUuid, instance: connection.uid, code },
        'outpost instance disconnected',
      );
    });
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (closing) return refuse(socket, 503, 'unavailable');
    const decision = await decideHandshake(ctx, req);
    if ('refused' in decision) {
      const { status, code, reason, token } = decision.refused;
      hubLog.info({ url: req.url, status, reason, token }, 'outpost websocket refused');
      return refuse(socket, status, code);
    }
    // The socket may have gone, or the hub closed, while the token was being checked.
    if (socket.destroyed) return;
    if (closing) return refuse(socket, 503, 'unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      register(serveInstance(ws, decision.accepted, { db: ctx.db, log: hubLog, greet: replayTo }));
    });
  }

  /** Tells a connecting instance again about the sessions that ended while it was not listening. */
  async function replayTo(connection: InstanceConnection): Promise<void> {
    const ended = await sessionsToReplay(ctx.db, connection.outpostUuid);
    if (ended.length === 0) return;
    const sent = await replaySessionEnds(connection, ended);
    hubLog.info(
      { outpost: connection.outpostUuid, instance: connection.uid, sessions: sent },
      'told a connecting outpost instance about recently ended sessions',
    );
  }

  function forward(message: ClusterMessage): void {
    if (message.type === 'outposts.update') {
      for (const uuid of message.outpost_uuids) {
        for (const connection of byOutpost.get(uuid) ?? [])
          connection.send(OutpostInstruction.TRIGGER_UPDATE);
      }
      return;
    }
    const args = { type: 'event.session.end', session_id: message.session_id };
    for (const connection of all()) connection.send(OutpostInstruction.SESSION_END, args);
  }

  function keepalive(): void {
    for (const connection of all()) {
      if (!connection.alive) {
        hubLog.info(
          { outpost: connection.outpostUuid, instance: connection.uid },
          'outpost instance stopped answering pings',
        );
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  return {
    handleUpgrade(req, socket, head) {
      if (!isOutpostSocketPath(req.url)) return false;
      // A client dropping mid-handshake must not surface as an unhandled 'error'.
      socket.on('error', () => {});
      upgrade(req, socket, head).catch((error: unknown) => {
        hubLog.error({ err: error }, 'outpost websocket handshake failed');
        if (!socket.destroyed) refuse(socket, 503, 'unavailable');
      });
      return true;
    },
    async start() {
      stops.push(
        await subscribeClusterBus(ctx.db, {
          onMessage: forward,
          onMalformed: (payload) =>
            hubLog.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed cluster message'),
          onResubscribed: () => {
            // Updates sent while the listening connection was down were missed: every instance refreshes.
            hubLog.warn('cluster bus reconnected; asking every connected outpost instance to refresh');
            for (const connection of all()) connection.send(OutpostInstruction.TRIGGER_UPDATE);
          },
        }),
      );
      stops.push(bridgeSessionEnds(ctx, hubLog));
      const ping = setInterval(keepalive, options.pingIntervalMs ?? PING_INTERVAL_MS);
      const prune = setInterval(() => {
        pruneSilentInstances(ctx.db, PRUNE_AFTER_SECONDS).catch((error: unknown) =>
          hubLog.warn({ err: error }, 'could not prune silent outpost instances'),
        );
      }, PRUNE_INTERVAL_MS);
      ping.unref();
      prune.unref();
      stops.push(
        () => clearInterval(ping),
        () => clearInterval(prune),
      );
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const stop of stops.splice(0)) await stop();
      const sockets = all();
      const closed = sockets.map((c) => new Promise((resolve) => c.socket.once('close', resolve)));
      for (const connection of sockets) connection.socket.close(1001, 'core shutting down');
      // A peer that does not answer the close handshake is cut off after a moment.
      const timer = setTimeout(() => sockets.forEach((c) => c.socket.terminate()), 2000);
      await Promise.all(closed);
      clearTimeout(timer);
      wss.close();
    },
    connectedInstances() {
      return new Map([...byOutpost].map(([uuid, set]) => [uuid, set.size]));
    },
    sendToInstance(outpostUuid, uid, instruction, args) {
      const connection = [...(byOutpost.get(outpostUuid) ?? [])].find((c) => c.uid === uid);
      return connection?.send(instruction, args) ?? false;
    },
  };
}
