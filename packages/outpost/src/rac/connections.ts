/**
 * The live RAC connections of this instance, keyed by `dest_channel_id` (spec §3.6: the reference keys
 * them by an id the core never sends, so they collide and the count is wrong). init_connection connects
 * to the target first, then dials the relay; either side closing ends both. The count goes out in every
 * HELLO, and a HELLO is sent whenever it changes.
 */
import {
  RAC_CLOSE_CODE,
  RAC_DISCONNECT_FRAME,
  type RacInitConnection,
  type RacRelayHello,
} from '@palisade/schema/rac-relay';
import type WebSocket from 'ws';
import type { Logger } from '../process/logger.ts';
import type { ProtocolAdapter, RacLimits, TargetSession } from './protocol-adapter.ts';
import { RacError, toRacError } from './rac-error.ts';
import type { RacMetrics } from './rac-metrics.ts';
import { dialRelay, type RelayDial } from './relay-socket.ts';

/** What the connections need. */
export interface RacConnectionsOptions {
  dial: RelayDial;
  adapters: Readonly<Partial<Record<RacInitConnection['protocol'], ProtocolAdapter>>>;
  limits: RacLimits;
  metrics: RacMetrics;
  log: Logger;
  /** The count changed. */
  changed(): void;
}

/** One connection's way out. */
interface Live {
  end(error?: RacError, why?: string): void;
}

/** The connections of one instance. */
export interface RacConnections {
  readonly count: number;
  open(init: RacInitConnection): void;
  /** Ends every connection (shutdown). */
  closeAll(): void;
}

/** An endpoint as a metrics label and log field: protocol://host:port (no credentials in it). */
const endpointOf = (init: RacInitConnection) =>
  `${init.protocol}://${init.params.hostname ?? ''}:${init.params.port ?? ''}`;

/** The connections registry. */
export function createRacConnections(options: RacConnectionsOptions): RacConnections {
  const live = new Map<string, Live>();

  async function run(init: RacInitConnection) {
    const channel = init.dest_channel_id;
    const endpoint = endpointOf(init);
    const log = options.log;
    let relay: WebSocket | undefined;
    let session: TargetSession | undefined;
    let done = false;
    let closeReason = 'connection ended';
    const finish = (error: RacError | undefined, why: string) => {
      if (done) return;
      done = true;
      live.delete(channel);
      session?.close();
      if (error) closeReason = error.message;
      // A relay still being dialed is closed with this reason once it opens (below).
      if (relay && relay.readyState <= 1) relay.close(RAC_CLOSE_CODE, closeReason);
      if (error) options.metrics.failed(error.code);
      if (session) options.metrics.closed(endpoint);
      const fields = { channel, endpoint, why, reason: error?.code };
      if (error) log.warn(fields, 'rac connection failed');
      else log.info(fields, 'rac connection ended');
      options.changed();
    };
    live.set(channel, { end: (error, why = 'closed by the outpost') => finish(error, why) });
    options.changed();

    try {
      const adapter = options.adapters[init.protocol];
      if (!adapter)
        throw new RacError('unsupported_protocol', `${init.protocol} is not supported by this outpost`);
      session = await adapter.connect({
        init,
        limits: options.limits,
        log,
        ended: (error) => finish(error, error ? 'error' : 'target ended'),
        counted: (direction, n) => options.metrics.bytes(direction, n),
        throttled: () => options.metrics.throttled(),
      });
      options.metrics.opened(endpoint);
    } catch (error) {
      // The browser is told why through the relay, which is dialed to be closed with the reason.
      const failure = toRacError(error);
      if (!done) await dialAndClose(init, failure);
      return finish(failure, 'target');
    }
    if (done) return session.close();
    const target = session;
    try {
      relay = await dialRelay(options.dial, channel, {
        message(data, isBinary) {
          if (!isBinary && data.toString('utf8') === RAC_DISCONNECT_FRAME)
            return finish(undefined, 'browser left');
          try {
            target.receive(data, isBinary);
          } catch (error) {
            finish(toRacError(error), 'browser');
          }
        },
        close: () => finish(undefined, 'relay closed'),
      });
    } catch (error) {
      log.warn({ channel, err: (error as Error).message }, 'could not dial the rac relay socket');
      return finish(new RacError('relay_failed', 'relay failed'), 'relay');
    }
    if (done) return void relay.close(RAC_CLOSE_CODE, closeReason);
    log.info({ channel, endpoint }, 'rac connection open');
    const hello: RacRelayHello = { type: 'hello', protocol: init.protocol === 'ssh' ? 'ssh' : 'vnc' };
    relay.send(JSON.stringify(hello));
    session.attach(relay);
  }

  async function dialAndClose(init: RacInitConnection, failure: RacError) {
    try {
      const relay = await dialRelay(options.dial, init.dest_channel_id);
      relay.close(RAC_CLOSE_CODE, failure.message);
    } catch (error) {
      options.log.debug({ err: (error as Error).message }, 'could not dial the relay to tell the failure');
    }
  }

  return {
    get count() {
      return live.size;
    },
    open(init) {
      if (live.has(init.dest_channel_id)) {
        options.log.warn({ channel: init.dest_channel_id }, 'ignored a second init_connection for a channel');
        return;
      }
      void run(init);
    },
    closeAll() {
      for (const connection of [...live.values()]) connection.end(undefined, 'outpost shutting down');
    },
  };
}
