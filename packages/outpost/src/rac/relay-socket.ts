/**
 * Dials the relay socket `ws(s)://<core>/ws/outpost_rac/<dest_channel_id>/` with the outpost's Bearer
 * token (spec §3.3 step 4.4): the outpost needs no inbound port, the core pairs this socket with the
 * browser's.
 */
import WebSocket from 'ws';

/** Largest frame the core may relay from the browser (a clipboard paste with its RFB header). */
export const RELAY_MAX_FRAME = 2 * 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Where and how to dial. */
export interface RelayDial {
  host: URL;
  token: string;
  insecure: boolean;
  userAgent: string;
}

/** The relay URL of `channel` under the core's `host` (which may carry a path prefix). */
export function relaySocketUrl(host: URL, channel: string): URL {
  const url = new URL(`ws/outpost_rac/${encodeURIComponent(channel)}/`, host);
  url.protocol = host.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/** What the connection does with the relay's frames and its closing. */
export interface RelayHandlers {
  message(data: Buffer, isBinary: boolean): void;
  close(): void;
}

/**
 * Opens the relay socket; resolves once it is open, rejects with the reason it could not. The handlers are
 * attached at 'open', in the same tick: a frame the core sends right away is emitted from a nextTick,
 * which runs before an awaiting caller's continuation would.
 */
export function dialRelay(dial: RelayDial, channel: string, handlers?: RelayHandlers): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(relaySocketUrl(dial.host, channel), {
      headers: { authorization: `Bearer ${dial.token}`, 'user-agent': dial.userAgent },
      rejectUnauthorized: !dial.insecure,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      maxPayload: RELAY_MAX_FRAME,
      perMessageDeflate: false,
    });
    const fail = (reason: string) => {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      reject(new Error(reason));
    };
    ws.once('open', () => {
      ws.removeAllListeners();
      ws.on('error', () => {}); // 'close' follows; the caller logs why the connection ended.
      if (handlers) {
        ws.on('message', (data: Buffer, isBinary) => handlers.message(data, isBinary));
        ws.on('close', () => handlers.close());
      }
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => fail(`the core answered ${res.statusCode}`));
    ws.once('error', (error) => fail(error.message));
  });
}
