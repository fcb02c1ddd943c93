/**
 * The core's side of RAC for module tests: a scripted core (support/scripted-core.ts) whose relay path
 * `/ws/outpost_rac/<channel>/` accepts the outpost's socket when it carries the outpost token, and a way
 * to send init_connection over the outpost websocket as the core does.
 */
import type { IncomingMessage } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ScriptedCore } from '../../support/scripted-core.ts';

/** A relay socket the outpost opened, with what it asked with. */
export interface RelayArrival {
  channel: string;
  ws: WebSocket;
  authorization: string | undefined;
}

/** Relay sockets, as they arrive (each call to `next` answers the next one). */
export interface RelayDesk {
  next(timeoutMs?: number): Promise<RelayArrival>;
  /** init_connection for `channel` over the outpost websocket. */
  init(channel: string, fields: Record<string, unknown>): void;
  close(): void;
}

/** Adds the relay path to `core`; sockets whose token is not `token` are refused with 403. */
export function relayDesk(core: ScriptedCore, token: string): RelayDesk {
  const wss = new WebSocketServer({ noServer: true });
  const arrived: RelayArrival[] = [];
  const waiters: Array<(a: RelayArrival) => void> = [];
  core.onUpgrade = (req: IncomingMessage, socket, head) => {
    const match = /^\/ws\/outpost_rac\/([^/]+)\/$/.exec(req.url ?? '');
    if (!match) return false;
    const authorization = req.headers.authorization;
    if (authorization !== `Bearer ${token}`) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const arrival = { channel: decodeURIComponent(match[1] ?? ''), ws, authorization };
      const waiter = waiters.shift();
      if (waiter) waiter(arrival);
      else arrived.push(arrival);
    });
    return true;
  };
  return {
    next(timeoutMs = 15_000) {
      const ready = arrived.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no relay socket arrived')), timeoutMs);
        waiters.push((a) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
    },
    init(channel, fields) {
      core.socket()?.send(
        JSON.stringify({
          instruction: 3,
          args: {
            type: 'event.provider.specific',
            sub_type: 'init_connection',
            dest_channel_id: channel,
            screen_width: '1280',
            screen_height: '720',
            screen_dpi: '96',
            audio: [],
            ...fields,
          },
        }),
      );
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
