import type { Duplex } from 'node:stream';
import { ERROR_CODES } from '@palisade/schema';

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

/** Refuses a websocket upgrade with a plain HTTP answer carrying the contract's error body for `code`. */
export function refuseUpgrade(socket: Duplex, status: number, code: keyof typeof ERROR_CODES): void {
  const body = JSON.stringify({ detail: ERROR_CODES[code].message, code });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
