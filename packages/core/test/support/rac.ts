import WebSocket from 'ws';
import { OutpostInstruction } from '@palisade/schema';
import { connectInstance, type Frame, HandshakeRefused, opened, type TestInstance } from './outposts.ts';

/** A frame as a socket received it: text, or binary bytes. */
export type RacFrame = { text: string } | { binary: Buffer };

/** A test's end of an RAC websocket: what arrived, how it closed, and ways to wait for both. */
export interface RacSocket {
  ws: WebSocket;
  frames: RacFrame[];
  /** Resolves with the close code and reason (and when it came), once the socket closed. */
  closed: Promise<{ code: number; reason: string; at: number }>;
  /** Resolves once `count` frames have arrived. */
  waitForFrames(count: number, timeoutMs?: number): Promise<RacFrame[]>;
}

/**
 * Opens an RAC websocket as a real client (the browser's, or the outpost's relay), resolving once open;
 * rejects with HandshakeRefused carrying the HTTP status when the core refuses the upgrade.
 */
export async function openRacSocket(url: string, headers: Record<string, string>): Promise<RacSocket> {
  const ws = new WebSocket(url, { headers });
  const frames: RacFrame[] = [];
  const wakers = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    frames.push(isBinary ? { binary: buffer } : { text: buffer.toString() });
    for (const wake of wakers) wake();
  });
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
  );
  await opened(ws);
  return {
    ws,
    frames,
    closed,
    waitForFrames(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (frames.length < count) return;
          clearTimeout(timer);
          wakers.delete(check);
          resolve(frames.slice(0, count));
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(new Error(`${frames.length} of ${count} frames within ${timeoutMs} ms`));
        }, timeoutMs);
        wakers.add(check);
        check();
      });
    },
  };
}

/** The status an RAC websocket upgrade is refused with, or 101 when it opens (it is closed again). */
export async function racHandshakeStatus(url: string, headers: Record<string, string>): Promise<number> {
  try {
    const socket = await openRacSocket(url, headers);
    socket.ws.close();
    return 101;
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
}

/** An RAC outpost instance as a test plays it: its control socket, saying HELLO with its load. */
export async function connectRacInstance(
  baseUrl: string,
  outpost: { uuid: string; token: string },
  uid: string,
  activeConnections: number,
): Promise<TestInstance> {
  const url = new URL(`/ws/outpost/${outpost.uuid}/`, baseUrl.replace(/^http/, 'ws'));
  url.searchParams.set('instance_uuid', uid);
  const instance = await connectInstance(url.toString(), { authorization: `Bearer ${outpost.token}` });
  instance.sendJson({
    instruction: OutpostInstruction.HELLO,
    args: { version: 'test', hostname: uid, active_connections: activeConnections },
  });
  await instance.waitFor((f) => f.instruction === OutpostInstruction.ACK);
  return instance;
}

/** Waits for the instance's next init_connection after frame index `from`, answering its args. */
export async function nextInit(instance: TestInstance, from = 0, timeoutMs = 5000): Promise<Frame['args']> {
  const frame = await instance.waitFor(
    (f) => f.instruction === OutpostInstruction.PROVIDER_SPECIFIC && f.args?.sub_type === 'init_connection',
    { from, timeoutMs },
  );
  return frame.args;
}

/** The browser socket URL of a token on a core at `baseUrl`. */
export function browserSocketUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ws/rac/${token}/?screen_width=1280&screen_height=720&screen_dpi=96`;
}

/** The relay socket URL of a channel on a core at `baseUrl`. */
export function relaySocketUrl(baseUrl: string, channel: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ws/outpost_rac/${channel}/`;
}
