/**
 * User-Password hiding (RFC 2865 §5.2): the password, padded with zeros to a multiple of 16, XORed with an
 * MD5 chain over the shared secret and the Request Authenticator, then each previous ciphertext block.
 */
import { createHash } from 'node:crypto';

function chain(secret: Buffer, previous: Buffer): Buffer {
  return createHash('md5').update(secret).update(previous).digest();
}

/** Hides `password` (at most 128 octets) for a request with `authenticator`. */
export function hidePassword(password: Buffer, secret: Buffer, authenticator: Buffer): Buffer {
  if (password.length > 128) throw new RangeError('a User-Password holds at most 128 octets');
  const padded = Buffer.alloc(Math.max(16, Math.ceil(password.length / 16) * 16));
  password.copy(padded);
  let previous = authenticator;
  for (let at = 0; at < padded.length; at += 16) {
    const pad = chain(secret, previous);
    for (let i = 0; i < 16; i++) padded[at + i] = (padded[at + i] as number) ^ (pad[i] as number);
    previous = padded.subarray(at, at + 16);
  }
  return padded;
}

/** Recovers the password of a User-Password value (its length already checked), without the zero padding. */
export function revealPassword(hidden: Buffer, secret: Buffer, authenticator: Buffer): Buffer {
  const out = Buffer.alloc(hidden.length);
  let previous = authenticator;
  for (let at = 0; at < hidden.length; at += 16) {
    const pad = chain(secret, previous);
    for (let i = 0; i < 16; i++) out[at + i] = (hidden[at + i] as number) ^ (pad[i] as number);
    previous = hidden.subarray(at, at + 16);
  }
  const end = out.indexOf(0);
  return end === -1 ? out : out.subarray(0, end);
}
