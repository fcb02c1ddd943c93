/**
 * The client half of the RFB handshake (RFC 6143 §7.1–7.2), towards the target: version, security
 * (None or VNC Authentication with the endpoint's password), SecurityResult. It stops before ClientInit,
 * which comes from the browser. Versions 3.3, 3.7 and 3.8 are spoken (§7.1.1: other 3.x as 3.3).
 */
import { RacError } from '../rac-error.ts';
import type { ByteReader } from '../byte-reader.ts';
import { VNC_CHALLENGE_BYTES, vncAuthResponse } from './vnc-auth.ts';

/** RFB security types (RFC 6143 §7.2 and the IANA registry). */
export const SECURITY = { INVALID: 0, NONE: 1, VNC_AUTH: 2 } as const;

/** Longest failure reason read from a target (the rest of the handshake cannot be trusted anyway). */
const MAX_REASON = 1024;

/** A ProtocolVersion message: `RFB xxx.yyy\n`. */
const VERSION = /^RFB (\d{3})\.(\d{3})\n$/;

/** The minor version spoken with a server that offers `major.minor` (§7.1.1). */
export function chooseMinor(offered: string): 3 | 7 | 8 {
  const m = VERSION.exec(offered);
  if (!m || m[1] !== '003') throw new RacError('target_protocol_error', 'target is not a VNC server');
  const minor = Number(m[2]);
  if (minor >= 8) return 8;
  return minor === 7 ? 7 : 3;
}

const tooLong = () => new RacError('target_protocol_error', 'target sent a malformed handshake');

/** A length-prefixed reason string (u32 length, then text). */
async function readReason(reader: ByteReader): Promise<string> {
  const length = (await reader.read(4)).readUInt32BE(0);
  if (length > MAX_REASON) throw tooLong();
  return (await reader.read(length)).toString('latin1');
}

/** The security type to use from the server's list: VNC auth when there is a password, else None. */
function chooseSecurity(types: readonly number[], password: string | undefined): number {
  if (password !== undefined && types.includes(SECURITY.VNC_AUTH)) return SECURITY.VNC_AUTH;
  if (types.includes(SECURITY.NONE)) return SECURITY.NONE;
  if (types.includes(SECURITY.VNC_AUTH))
    throw new RacError('bad_params', 'the target asks for a VNC password the endpoint does not have');
  throw new RacError('target_protocol_error', 'target offers no supported security type');
}

/** Runs the handshake; afterwards the target waits for ClientInit. Writes go through `write`. */
export async function rfbTargetHandshake(
  reader: ByteReader,
  write: (bytes: Buffer) => void,
  password: string | undefined,
): Promise<{ minor: 3 | 7 | 8 }> {
  const minor = chooseMinor((await reader.read(12)).toString('latin1'));
  write(Buffer.from(`RFB 003.00${minor}\n`, 'latin1'));

  let type: number;
  if (minor === 3) {
    type = (await reader.read(4)).readUInt32BE(0);
    if (type === SECURITY.INVALID)
      throw new RacError('target_refused', `target refused: ${await readReason(reader)}`.slice(0, 120));
    if (type !== SECURITY.NONE && type !== SECURITY.VNC_AUTH)
      throw new RacError('target_protocol_error', 'target offers no supported security type');
    if (type === SECURITY.VNC_AUTH && password === undefined)
      throw new RacError('bad_params', 'the target asks for a VNC password the endpoint does not have');
  } else {
    const count = (await reader.read(1)).readUInt8(0);
    if (count === 0)
      throw new RacError('target_refused', `target refused: ${await readReason(reader)}`.slice(0, 120));
    type = chooseSecurity([...(await reader.read(count))], password);
    write(Buffer.from([type]));
  }

  if (type === SECURITY.VNC_AUTH) {
    const challenge = await reader.read(VNC_CHALLENGE_BYTES);
    write(vncAuthResponse(challenge, password ?? ''));
  }
  // §7.1.3: 3.3 and 3.7 send no SecurityResult after None.
  if (type === SECURITY.NONE && minor !== 8) return { minor };
  const result = (await reader.read(4)).readUInt32BE(0);
  if (result !== 0) {
    // Only 3.8 follows a failure with a reason; the user is told the same either way.
    throw new RacError('authentication_failed', 'authentication failed');
  }
  return { minor };
}
