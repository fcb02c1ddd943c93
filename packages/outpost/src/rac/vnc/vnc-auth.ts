/**
 * VNC Authentication (RFC 6143 §7.2.2): the response is the 16-byte challenge DES-encrypted with the
 * password as the key. The key is the first 8 bytes of the password (zero-padded), each byte's bits in
 * reverse order (the historical quirk of the VNC reference implementation every server follows).
 */
import { createCipheriv } from 'node:crypto';

/** The bytes of a challenge and its response. */
export const VNC_CHALLENGE_BYTES = 16;

/** The key VNC derives from `password`: 8 bytes, each bit-reversed. */
export function vncKey(password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let b = key[i] ?? 0;
    let r = 0;
    for (let bit = 0; bit < 8; bit++) {
      r = (r << 1) | (b & 1);
      b >>= 1;
    }
    key[i] = r;
  }
  return key;
}

/** The response to `challenge` for `password`. */
export function vncAuthResponse(challenge: Buffer, password: string): Buffer {
  const key = vncKey(password);
  // Single DES is only in OpenSSL 3's legacy provider, which Node does not load; triple DES with the same
  // key three times (K|K|K) is single DES by construction (encrypt, decrypt, encrypt with one key).
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}
