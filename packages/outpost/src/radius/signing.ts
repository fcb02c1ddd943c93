/**
 * Message-Authenticator (RFC 3579 §3.2) and the Response Authenticator (RFC 2865 §3). A request's
 * Message-Authenticator is HMAC-MD5 (key: the shared secret) over the packet with its value zeroed. A reply
 * carries one always, computed as RFC 3579 says for Access-Accept, -Reject and -Challenge: over the reply
 * with the *Request* Authenticator in the header and the value zeroed; only then is the Response
 * Authenticator computed, over the final packet. (The reference's #17901/#22931 came from other orders.)
 */
import {
  createHash,
  createHmac,
  createSecretKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { ATTR } from './attributes.ts';
import { type Attribute, encodePacket, MIN_PACKET } from './packet.ts';

const ZERO16 = Buffer.alloc(16);

/** The offset of the Message-Authenticator value in an encoded packet, or -1. */
function authenticatorOffset(raw: Buffer): number {
  const length = raw.readUInt16BE(2);
  for (let at = MIN_PACKET; at + 2 <= length; at += raw[at + 1] as number) {
    if (raw[at] === ATTR.MessageAuthenticator) return at + 2;
    if ((raw[at + 1] as number) < 2) return -1;
  }
  return -1;
}

// Secrets as KeyObjects, made once per secret Buffer (a provider's lives until the next refresh): Node 24's
// createHmac takes ~10x longer with a Buffer key than with a KeyObject (its key-type checks), which the
// bench's profile showed as the largest part of a cached answer.
const keyObjects = new WeakMap<Buffer, KeyObject>();

function hmac(secret: Buffer, data: Buffer): Buffer {
  let key = keyObjects.get(secret);
  if (!key) {
    key = createSecretKey(secret);
    keyObjects.set(secret, key);
  }
  return createHmac('md5', key).update(data).digest();
}

/**
 * Whether a received request's Message-Authenticator verifies (its packet already decoded, so lengths are
 * sound). `undefined` when it has none.
 */
export function verifyRequestAuthenticator(raw: Buffer, secret: Buffer): boolean | undefined {
  const offset = authenticatorOffset(raw);
  if (offset === -1) return undefined;
  const copy = Buffer.from(raw.subarray(0, raw.readUInt16BE(2)));
  const received = Buffer.from(copy.subarray(offset, offset + 16));
  ZERO16.copy(copy, offset);
  return timingSafeEqual(hmac(secret, copy), received);
}

/** The Response Authenticator: MD5(Code+Identifier+Length+RequestAuth+Attributes+Secret), RFC 2865 §3. */
function responseAuthenticator(packet: Buffer, requestAuthenticator: Buffer, secret: Buffer): Buffer {
  const copy = Buffer.from(packet);
  requestAuthenticator.copy(copy, 4);
  return createHash('md5').update(copy).update(secret).digest();
}

/** A reply to send: code, the request's identifier, and its attributes (no Message-Authenticator). */
export interface Reply {
  code: number;
  identifier: number;
  attributes: Attribute[];
}

/**
 * Encodes and signs a reply to a request with `requestAuthenticator`: Message-Authenticator first (where
 * BlastRADIUS-hardened clients look for it), computed with the Request Authenticator in the header, then
 * the Response Authenticator over the result.
 */
export function signReply(reply: Reply, requestAuthenticator: Buffer, secret: Buffer): Buffer {
  const packet = encodePacket({
    code: reply.code,
    identifier: reply.identifier,
    authenticator: requestAuthenticator,
    attributes: [
      { type: ATTR.MessageAuthenticator, value: ZERO16 },
      ...reply.attributes.filter((a) => a.type !== ATTR.MessageAuthenticator),
    ],
  });
  hmac(secret, packet).copy(packet, MIN_PACKET + 2);
  responseAuthenticator(packet, requestAuthenticator, secret).copy(packet, 4);
  return packet;
}

/**
 * Encodes an Access-Request as a NAS does (tests, the bench): a random Request Authenticator and, unless
 * `messageAuthenticator` is false, a Message-Authenticator over the packet.
 */
export function signRequest(
  request: { code: number; identifier: number; attributes: Attribute[]; authenticator?: Buffer },
  secret: Buffer,
  messageAuthenticator = true,
): Buffer {
  const authenticator = request.authenticator ?? randomBytes(16);
  const attributes = request.attributes.filter((a) => a.type !== ATTR.MessageAuthenticator);
  if (messageAuthenticator) attributes.unshift({ type: ATTR.MessageAuthenticator, value: ZERO16 });
  const packet = encodePacket({ ...request, authenticator, attributes });
  if (messageAuthenticator) hmac(secret, packet).copy(packet, MIN_PACKET + 2);
  return packet;
}

/**
 * Checks a reply as a NAS does: the Response Authenticator, and the Message-Authenticator recomputed with
 * the Request Authenticator in the header; required unless `requireMessageAuthenticator` is false (a
 * BlastRADIUS-hardened NAS requires it; the bench's FreeRADIUS 3.2 may leave it out).
 */
export function verifyReply(
  raw: Buffer,
  requestAuthenticator: Buffer,
  secret: Buffer,
  requireMessageAuthenticator = true,
): boolean {
  const packet = Buffer.from(raw.subarray(0, raw.readUInt16BE(2)));
  const expected = responseAuthenticator(packet, requestAuthenticator, secret);
  if (!timingSafeEqual(expected, packet.subarray(4, 20))) return false;
  const offset = authenticatorOffset(packet);
  if (offset === -1) return !requireMessageAuthenticator;
  const received = Buffer.from(packet.subarray(offset, offset + 16));
  requestAuthenticator.copy(packet, 4);
  ZERO16.copy(packet, offset);
  return timingSafeEqual(hmac(secret, packet), received);
}
