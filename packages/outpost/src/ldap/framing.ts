/**
 * Cuts a TCP byte stream into LDAPMessages. A message is a SEQUENCE whose length is read before its body
 * arrives, so an oversized or malformed one is refused as soon as its header is in, never buffered whole.
 */
import { BerError, readHeader, TAG } from './ber.ts';

/** Default largest message accepted (a bind or search is well under a kilobyte). */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

/** Accumulates bytes and hands out whole messages. */
export class MessageFramer {
  private buffered: Buffer = Buffer.alloc(0);
  readonly maxMessageBytes: number;

  constructor(maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Adds `chunk`; answers the messages now complete. Throws BerError for a stream that cannot be LDAP. */
  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const header = readHeader(this.buffered, offset);
      if (!header) break;
      if (header.tag !== TAG.sequence) throw new BerError('a message is not a SEQUENCE');
      const end = header.start + header.length;
      if (end - offset > this.maxMessageBytes) {
        throw new BerError(`message of ${end - offset} bytes, more than ${this.maxMessageBytes}`);
      }
      if (end > this.buffered.length) break;
      messages.push(this.buffered.subarray(offset, end));
      offset = end;
    }
    this.buffered = offset === 0 ? this.buffered : this.buffered.subarray(offset);
    // A header that never completes still cannot grow past a few bytes: readHeader needs at most six.
    return messages;
  }

  /** Bytes received but not yet part of a whole message (what StartTLS must find empty). */
  get pending(): number {
    return this.buffered.length;
  }
}
