import type { FastifyBaseLogger } from 'fastify';
import WebSocket from 'ws';
import { closeReason, closeSoon, forwardFrames, frameBytes } from './frames.ts';

/** The text frame that tells the outpost the browser left (the reference's internal disconnect opcode). */
export const DISCONNECT_FRAME = '0.authentik.disconnect';
/** The close code the browser page reads as "the connection ended", with the reason it shows. */
export const ENDED_CODE = 4000;

/** Frames a browser may send before the outpost's relay arrives; past these the connection is refused. */
const MAX_EARLY_FRAMES = 64;
const MAX_EARLY_BYTES = 256 * 1024;

/** A browser socket on this replica, waiting for or paired with its relay (the outpost's, or a replica link). */
export interface BrowserLink {
  readonly channelId: string;
  readonly tokenUuid: string;
  /** Pairs the relay; false when one is paired already (a second relay is told to disconnect). */
  attach(relay: WebSocket): boolean;
  /** Ends the connection: the relay hears the disconnect frame, the browser a 4000 close with `reason`. */
  end(reason: string): void;
  readonly paired: boolean;
}

/**
 * Serves one browser socket: frames it sends before the relay arrives are held (bounded), then every frame
 * is forwarded verbatim both ways. The browser leaving sends the relay `0.authentik.disconnect` and closes
 * it; the relay closing closes the browser with 4000 and the relay's reason (what the page shows, e.g.
 * "target refused: connection refused"). `onEnd` runs once, when the browser socket has closed.
 */
export function serveBrowserLink(
  socket: WebSocket,
  identity: { channelId: string; tokenUuid: string },
  deps: {
    log: FastifyBaseLogger;
    onEnd: () => void;
    count?: (direction: 'in' | 'out', bytes: number) => void;
  },
): BrowserLink {
  const log = deps.log.child({ channel: identity.channelId });
  let relay: WebSocket | undefined;
  let early: Array<{ data: WebSocket.RawData; isBinary: boolean }> = [];
  let earlyBytes = 0;

  function disconnectRelay(): void {
    if (relay?.readyState === WebSocket.OPEN) relay.send(DISCONNECT_FRAME);
    if (relay) closeSoon(relay, 1000, 'browser left');
  }

  const link: BrowserLink = {
    ...identity,
    get paired() {
      return relay !== undefined;
    },
    attach(peer) {
      if (relay || socket.readyState !== WebSocket.OPEN) {
        if (peer.readyState === WebSocket.OPEN) peer.send(DISCONNECT_FRAME);
        closeSoon(peer, 1000, 'channel already paired');
        return false;
      }
      relay = peer;
      for (const frame of early) peer.send(frame.data, { binary: frame.isBinary });
      early = [];
      forwardFrames(socket, peer, (bytes) => deps.count?.('in', bytes));
      forwardFrames(peer, socket, (bytes) => deps.count?.('out', bytes));
      peer.once('close', (code, reason) => {
        const text = reason.toString() || 'the connection ended';
        log.info({ code, reason: text }, 'rac relay closed; closing the browser socket');
        closeSoon(socket, ENDED_CODE, text);
      });
      peer.on('error', (error) => log.info({ err: error.message }, 'rac relay socket error'));
      log.info('rac relay paired with the browser socket');
      return true;
    },
    end(reason) {
      log.info({ reason }, 'rac connection ended');
      disconnectRelay();
      closeSoon(socket, ENDED_CODE, closeReason(reason));
    },
  };

  socket.on('message', (data, isBinary) => {
    if (relay) return; // forwardFrames carries it
    earlyBytes += frameBytes(data);
    early.push({ data, isBinary });
    if (early.length > MAX_EARLY_FRAMES || earlyBytes > MAX_EARLY_BYTES)
      link.end('too much input before the remote side was ready');
  });
  socket.on('error', (error) => log.info({ err: error.message }, 'rac browser socket error'));
  socket.once('close', (code) => {
    log.info({ code }, 'rac browser socket closed');
    disconnectRelay();
    deps.onEnd();
  });
  return link;
}
