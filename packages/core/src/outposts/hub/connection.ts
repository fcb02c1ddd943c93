import { OutpostHelloArgs, OutpostInstruction, OutpostMessage } from '@palisade/schema';
import { Value } from '@sinclair/typebox/value';
import type { FastifyBaseLogger } from 'fastify';
import WebSocket from 'ws';
import type { Queryable } from '../../db/database.ts';
import { type InstanceHello, recordInstanceSeen } from './instances-repository.ts';

/** Messages of one instance waiting for their database write; past this, new ones are dropped (a flood). */
const MAX_PENDING_MESSAGES = 16;
/** Bytes queued to a peer that does not read; past this it is cut off rather than held in memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

const KNOWN_HELLO_FIELDS = new Set([
  'version',
  'buildHash',
  'golangVersion',
  'opensslEnabled',
  'opensslVersion',
  'fipsEnabled',
  'hostname',
]);

/** One connected outpost instance: its socket and what the hub needs to address it. */
export interface InstanceConnection {
  readonly outpostUuid: string;
  readonly uid: string;
  readonly socket: WebSocket;
  /** Sends one envelope; false (and the socket cut off) when the peer stopped reading. */
  send(instruction: number, args?: Record<string, unknown>): boolean;
  /** Settles once every frame sent so far was handed to the network: true, or false when that failed. */
  written(): Promise<boolean>;
  /** False once a keepalive ping went unanswered until the next one. */
  alive: boolean;
}

/** What a connection needs from the hub. */
export interface ConnectionDeps {
  db: Queryable;
  log: FastifyBaseLogger;
  /**
   * Sent to the instance before any of its messages is answered (the SESSION_END replay), so the ACK of its
   * first HELLO tells it that it has heard everything the core had to say on connecting.
   */
  greet?: (connection: InstanceConnection) => Promise<void>;
}

function helloFields(args: OutpostHelloArgs): InstanceHello {
  const leftover = Object.fromEntries(Object.entries(args).filter(([k]) => !KNOWN_HELLO_FIELDS.has(k)));
  return {
    version: args.version ?? '',
    buildHash: args.buildHash ?? '',
    golangVersion: args.golangVersion ?? '',
    opensslEnabled: args.opensslEnabled ?? false,
    opensslVersion: args.opensslVersion ?? '',
    fipsEnabled: args.fipsEnabled ?? null,
    args: leftover,
  };
}

/**
 * Serves one accepted socket (controllers spec §7.1): every non-ACK message updates the instance's row
 * (last_seen, hostname; a HELLO also its version, build and leftover args) and is answered with ACK. Frames
 * that are not JSON envelopes, HELLOs with wrongly typed fields and unknown instructions are logged and
 * ignored; the connection stays up. Writes happen one at a time, in arrival order.
 */
export function serveInstance(
  socket: WebSocket,
  identity: { outpostUuid: string; uid: string },
  deps: ConnectionDeps,
): InstanceConnection {
  const log = deps.log.child({ outpost: identity.outpostUuid, instance: identity.uid });
  let pending = 0;
  let lastWrite: Promise<boolean> = Promise.resolve(true);

  const connection: InstanceConnection = {
    ...identity,
    socket,
    alive: true,
    send(instruction, args = {}) {
      if (socket.readyState !== WebSocket.OPEN) return false;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        log.warn({ buffered: socket.bufferedAmount }, 'outpost instance stopped reading; disconnecting');
        socket.terminate();
        return false;
      }
      lastWrite = new Promise((resolve) =>
        socket.send(JSON.stringify({ instruction, args }), (error) => resolve(!error)),
      );
      return true;
    },
    written: () => lastWrite,
  };

  // An instance that could not be told what it must know is not left to believe it heard everything: the
  // socket closes (1011) and the instance comes back through its reconnect.
  let queue: Promise<void> = (deps.greet?.(connection) ?? Promise.resolve()).catch((error: unknown) => {
    log.error({ err: error }, 'could not bring a connecting outpost instance up to date; disconnecting it');
    socket.close(1011, 'try again');
  });

  async function handle(message: OutpostMessage): Promise<void> {
    const args = message.args ?? {};
    let hello: InstanceHello | undefined;
    if (message.instruction === OutpostInstruction.HELLO) {
      if (!Value.Check(OutpostHelloArgs, args)) {
        log.info('ignored a HELLO with wrongly typed fields');
        return;
      }
      hello = helloFields(args);
    }
    const hostname = typeof args.hostname === 'string' ? args.hostname.slice(0, 255) : undefined;
    await recordInstanceSeen(deps.db, { ...identity, seenAt: new Date(), hostname, hello });
    connection.send(OutpostInstruction.ACK);
  }

  socket.on('message', (data, isBinary) => {
    connection.alive = true;
    if (isBinary) {
      log.info('ignored a binary frame');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      log.info('ignored a frame that is not JSON');
      return;
    }
    if (!Value.Check(OutpostMessage, message)) {
      log.info('ignored a frame that is not an {instruction, args} envelope');
      return;
    }
    if (message.instruction === OutpostInstruction.ACK) return;
    if (message.instruction > OutpostInstruction.SESSION_END) {
      log.info({ instruction: message.instruction }, 'ignored an unknown instruction');
      return;
    }
    if (pending >= MAX_PENDING_MESSAGES) {
      log.warn('outpost instance sends faster than its messages are recorded; dropped one');
      return;
    }
    pending++;
    queue = queue
      .then(() => handle(message))
      .catch((error: unknown) => {
        // The outpost was deleted while connected (its instances' rows cascade away): nothing to serve.
        if ((error as { code?: string }).code === '23503') {
          log.info('outpost no longer exists; closing its socket');
          socket.close(1008, 'outpost deleted');
        } else log.error({ err: error }, 'could not record an outpost message');
      })
      .finally(() => pending--);
  });
  socket.on('pong', () => {
    connection.alive = true;
  });
  // Without a listener an 'error' (a protocol violation, a frame over the size limit) would be thrown.
  socket.on('error', (error) => log.info({ err: error.message }, 'outpost websocket error'));
  return connection;
}
