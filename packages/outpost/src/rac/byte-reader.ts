/**
 * Reads exact byte counts out of chunks that arrive as they please (a TCP socket, websocket frames): the
 * RFB handshakes are fixed-size fields and length-prefixed strings. What is buffered is capped, so a peer
 * that sends more than a handshake can hold fails it instead of growing memory.
 */
import { RacError, type RacFailure } from './rac-error.ts';

/** More than any handshake needs (a reason string is capped far below). */
const MAX_BUFFERED = 64 * 1024;

/** The reader over one source. */
export interface ByteReader {
  /** Adds bytes that arrived. */
  push(chunk: Buffer): void;
  /** The source ended: pending and later reads fail with `message`. */
  end(message: string): void;
  /** The next `n` bytes, once they are there. */
  read(n: number): Promise<Buffer>;
  /** Whatever arrived past the last read (the first bytes after the handshake), emptying the reader. */
  rest(): Buffer;
}

/** A reader whose failures are RacErrors of `failure` (whose fault it is when the peer misbehaves). */
export function createByteReader(failure: RacFailure, maxBuffered = MAX_BUFFERED): ByteReader {
  let buffered: Buffer = Buffer.alloc(0);
  let ended: string | undefined;
  let waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;

  const settle = () => {
    if (!waiting) return;
    if (buffered.length >= waiting.n) {
      const { n, resolve } = waiting;
      waiting = undefined;
      const out = buffered.subarray(0, n);
      buffered = buffered.subarray(n);
      resolve(out);
    } else if (ended !== undefined) {
      const { reject } = waiting;
      waiting = undefined;
      reject(new RacError(failure, ended));
    }
  };

  return {
    push(chunk) {
      if (ended !== undefined) return;
      if (buffered.length + chunk.length > maxBuffered) {
        buffered = Buffer.alloc(0);
        ended = 'handshake too long';
      } else buffered = Buffer.concat([buffered, chunk]);
      settle();
    },
    end(message) {
      ended ??= message;
      settle();
    },
    read(n) {
      if (waiting) return Promise.reject(new Error('one read at a time'));
      return new Promise((resolve, reject) => {
        waiting = { n, resolve, reject };
        settle();
      });
    },
    rest() {
      const out = buffered;
      buffered = Buffer.alloc(0);
      return out;
    },
  };
}

/** Rejects with a RacError of `failure` if `work` takes longer than `ms`. */
export async function within<T>(
  ms: number,
  failure: RacFailure,
  message: string,
  work: Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RacError(failure, message)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
