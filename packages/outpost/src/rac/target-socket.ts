/** A TCP connection to a target, opened within the handshake time, its errors as RacErrors. */
import { connect, type Socket } from 'node:net';
import { RacError, toRacError } from './rac-error.ts';

/** Connects to `host:port`; rejects with a RacError (refused, unreachable, timed out). */
export function connectTarget(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RacError('target_timeout', 'target did not answer'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(toRacError(error));
    });
  });
}
