/**
 * Checks the browser's RFB client messages (RFC 6143 §7.5 and the extensions noVNC sends) before they
 * reach the target: known types only, each with its exact length, a cap on cut-text and encoding lists,
 * and a cap on the rate of input events. Bytes are forwarded only as whole checked messages, so a target
 * never sees a message the outpost has not read.
 */
import { RacError } from '../rac-error.ts';
import { createRateBucket } from '../rate-bucket.ts';

/** Largest clipboard text a browser may send in one ClientCutText (plain or extended). */
export const MAX_CUT_TEXT = 1024 * 1024;
/** Most encodings one SetEncodings may list (noVNC sends about 20). */
const MAX_ENCODINGS = 256;
/** Most screens one SetDesktopSize may list. */
const MAX_SCREENS = 16;

/** Limits of one connection. */
export interface ClientMessageLimits {
  /** Key and pointer events a second, sustained (a burst of as many is allowed). */
  inputEventsPerSecond: number;
}

/** Default limits: far above a human with a mouse, far below a flood. */
export const DEFAULT_CLIENT_LIMITS: ClientMessageLimits = { inputEventsPerSecond: 2000 };

/** Message type → its length once the first `need` bytes are there (undefined: an unknown type). */
const LENGTHS: Record<number, { need: number; length: (b: Buffer) => number }> = {
  0: fixed(20), // SetPixelFormat
  2: { need: 4, length: (b) => 4 + 4 * capped(b.readUInt16BE(2), MAX_ENCODINGS, 'encodings') },
  3: fixed(10), // FramebufferUpdateRequest
  4: fixed(8), // KeyEvent
  5: fixed(6), // PointerEvent
  // ClientCutText; a negative length is the extended clipboard (its absolute value is the length).
  6: { need: 8, length: (b) => 8 + capped(Math.abs(b.readInt32BE(4)), MAX_CUT_TEXT, 'cut text') },
  150: fixed(10), // EnableContinuousUpdates
  248: { need: 9, length: (b) => 9 + capped(b.readUInt8(8), 64, 'fence') }, // Fence
  250: fixed(4), // xvp
  251: { need: 8, length: (b) => 8 + 16 * capped(b.readUInt8(6), MAX_SCREENS, 'screens') }, // SetDesktopSize
  255: { need: 2, length: qemu }, // QEMU client messages
};

function fixed(n: number) {
  return { need: 1, length: () => n };
}

function capped(value: number, max: number, what: string): number {
  if (value > max) throw new RacError('browser_protocol_error', `the browser sent too long a ${what}`);
  return value;
}

/** QEMU sub-messages: 0 is the extended key event (12 bytes), 1 the audio control (4 bytes, more for 2). */
function qemu(b: Buffer): number {
  const sub = b.readUInt8(1);
  if (sub === 0) return 12;
  throw new RacError('browser_protocol_error', 'the browser sent an unknown QEMU message');
}

/** The checker of one connection: `push` answers the whole messages to forward, or throws a RacError. */
export function createClientMessageChecker(limits: ClientMessageLimits = DEFAULT_CLIENT_LIMITS) {
  let pending: Buffer = Buffer.alloc(0);
  const input = createRateBucket(limits.inputEventsPerSecond);
  return {
    push(chunk: Buffer): Buffer | undefined {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      while (offset < pending.length) {
        const type = pending.readUInt8(offset);
        const kind = LENGTHS[type];
        if (!kind) throw new RacError('browser_protocol_error', `the browser sent RFB message type ${type}`);
        if (pending.length - offset < kind.need) break;
        const length = kind.length(pending.subarray(offset));
        if (pending.length - offset < length) break;
        if ((type === 4 || type === 5) && !input.take(1))
          throw new RacError('input_flood', 'too much input: the connection was closed');
        offset += length;
      }
      const whole = pending.subarray(0, offset);
      pending = pending.subarray(offset);
      return whole.length > 0 ? whole : undefined;
    },
  };
}
