/**
 * MSCHAPv2 (RFC 2759 §8): the NT-Response a peer computes from the NT hash of its password, and the
 * Authenticator Response the server proves it knows the password with. Single DES is done as triple DES
 * with three equal keys (E-D-E with one key is E), since OpenSSL 3 keeps DES-ECB in its legacy provider.
 */
import { createCipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { md4 } from './md4.ts';

/** NtPasswordHash: MD4 of the password in UTF-16LE (RFC 2759 §8.3). */
export function ntPasswordHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/** ChallengeHash (§8.2): the first 8 octets of SHA1(PeerChallenge + AuthenticatorChallenge + UserName). */
function challengeHash(peerChallenge: Buffer, authenticatorChallenge: Buffer, username: string): Buffer {
  return createHash('sha1')
    .update(peerChallenge)
    .update(authenticatorChallenge)
    .update(Buffer.from(username, 'utf8'))
    .digest()
    .subarray(0, 8);
}

/** A 7-octet key spread over 8 octets with parity bits left zero (§8.6 DesEncrypt's key). */
function desKey(seven: Buffer): Buffer {
  const bits = BigInt(`0x${seven.toString('hex')}`);
  const key = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) key[i] = Number((bits >> BigInt(49 - i * 7)) & 0x7fn) << 1;
  return key;
}

function desEncrypt(clear: Buffer, seven: Buffer): Buffer {
  const key = desKey(seven);
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(clear), cipher.final()]);
}

/** ChallengeResponse (§8.5): the 24-octet answer to `challenge` under the 16-octet NT hash. */
function challengeResponse(challenge: Buffer, passwordHash: Buffer): Buffer {
  const z = Buffer.concat([passwordHash, Buffer.alloc(5)]);
  return Buffer.concat([0, 7, 14].map((at) => desEncrypt(challenge, z.subarray(at, at + 7))));
}

/** What the peer sent and what the server challenged with. */
export interface MschapExchange {
  authenticatorChallenge: Buffer;
  peerChallenge: Buffer;
  /** The user name as the peer put it in its Response (the hash covers it as sent). */
  username: string;
  ntResponse: Buffer;
}

/** GenerateNTResponse (§8.1). */
export function ntResponse(exchange: Omit<MschapExchange, 'ntResponse'>, passwordHash: Buffer): Buffer {
  const challenge = challengeHash(exchange.peerChallenge, exchange.authenticatorChallenge, exchange.username);
  return challengeResponse(challenge, passwordHash);
}

/** Whether the peer's NT-Response was made with `passwordHash` (compared in constant time). */
export function verifyNtResponse(exchange: MschapExchange, passwordHash: Buffer): boolean {
  if (exchange.ntResponse.length !== 24) return false;
  return timingSafeEqual(ntResponse(exchange, passwordHash), exchange.ntResponse);
}

const MAGIC1 = Buffer.from('Magic server to client signing constant', 'ascii');
const MAGIC2 = Buffer.from('Pad to make it do more than one iteration', 'ascii');

/** GenerateAuthenticatorResponse (§8.7): `S=` and 40 upper-case hex digits. */
export function authenticatorResponse(exchange: MschapExchange, passwordHash: Buffer): string {
  const hashHash = md4(passwordHash);
  const digest = createHash('sha1').update(hashHash).update(exchange.ntResponse).update(MAGIC1).digest();
  const challenge = challengeHash(exchange.peerChallenge, exchange.authenticatorChallenge, exchange.username);
  const final = createHash('sha1').update(digest).update(challenge).update(MAGIC2).digest();
  return `S=${final.toString('hex').toUpperCase()}`;
}
