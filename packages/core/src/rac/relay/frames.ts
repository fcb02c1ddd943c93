import WebSocket from 'ws';

/** Bytes queued towards a slow reader past which the sending side is paused (memory stays bounded). */
const PAUSE_ABOVE_BYTES = 4 * 1024 * 1024;
/** Queued bytes below which a paused sender is let go again. */
const RESUME_BELOW_BYTES = 1024 * 1024;

/** The size of a received frame's payload. */
export function frameBytes(data: WebSocket.RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
}

/**
 * Forwards every frame `from` receives to `to` verbatim: text as text, binary as binary, nothing parsed.
 * While `to` has too much unsent, `from` is paused (it stops reading its TCP socket, so the far end slows
 * down) and resumed once `to` has drained. `count` hears the size of each frame.
 */
export function forwardFrames(from: WebSocket, to: WebSocket, count?: (bytes: number) => void): void {
  from.on('message', (data, isBinary) => {
    if (to.readyState !== WebSocket.OPEN) return;
    count?.(frameBytes(data));
    to.send(data, { binary: isBinary }, () => {
      if (from.isPaused && to.bufferedAmount < RESUME_BELOW_BYTES) from.resume();
    });
    if (to.bufferedAmount > PAUSE_ABOVE_BYTES && !from.isPaused) from.pause();
  });
}

/** A close code this side may send on: the peer's own when it is an application or normal code, else 1000. */
export function sendableCloseCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** A close reason cut to what a close frame can carry (123 bytes), on a character boundary. */
export function closeReason(reason: string): string {
  let cut = reason;
  while (Buffer.byteLength(cut) > 123) cut = cut.slice(0, -1);
  return cut;
}

/**
 * Closes a socket now: the close frame goes out, and a peer that does not answer it within `graceMs` is cut
 * off, so teardown never waits on a silent peer.
 */
export function closeSoon(socket: WebSocket, code: number, reason: string, graceMs = 1000): void {
  if (socket.readyState === WebSocket.CLOSED) return;
  if (socket.readyState === WebSocket.OPEN) socket.close(code, closeReason(reason));
  const timer = setTimeout(() => socket.terminate(), graceMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
