/**
 * The server half of the RFB handshake, towards the browser (RFC 6143 §7.1–7.3.1): the outpost has
 * authenticated to the target already, so the browser is offered RFB 3.8 with the single security type
 * None and gets SecurityResult OK; its ClientInit (the shared flag) is what it answers last. A browser
 * that asks for 3.3 or 3.7 is served those (noVNC answers 3.8).
 */
import { RacError } from '../rac-error.ts';
import type { ByteReader } from '../byte-reader.ts';
import { chooseMinor, SECURITY } from './rfb-target.ts';

/** The version the outpost presents. */
export const BROWSER_VERSION = 'RFB 003.008\n';

/** Runs the handshake over `reader` (browser → outpost bytes) and `write`; resolves with ClientInit. */
export async function rfbBrowserHandshake(
  reader: ByteReader,
  write: (bytes: Buffer) => void,
): Promise<Buffer> {
  write(Buffer.from(BROWSER_VERSION, 'latin1'));
  let minor: number;
  try {
    minor = chooseMinor((await reader.read(12)).toString('latin1'));
  } catch (error) {
    if (!(error instanceof RacError) || error.code !== 'target_protocol_error') throw error;
    throw new RacError('browser_protocol_error', 'the browser did not speak RFB');
  }
  if (minor === 3) {
    write(u32(SECURITY.NONE));
  } else {
    write(Buffer.from([1, SECURITY.NONE]));
    const chosen = (await reader.read(1)).readUInt8(0);
    if (chosen !== SECURITY.NONE)
      throw new RacError('browser_protocol_error', 'the browser chose a security type not offered');
    if (minor === 8) write(u32(0));
  }
  return reader.read(1);
}

const u32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value, 0);
  return b;
};
