/**
 * The RADIUS packet codec (RFC 2865 §3, §5): header, attributes, strict checks on the way in. A packet that
 * fails a check is never answered (RFC 2865 §3: silently discarded), so decoding throws a PacketError whose
 * `reason` is a stable label for the drop counter and the log.
 */
import { ATTR } from './attributes.ts';

/** Packet codes used here (RFC 2865 §3, RFC 2866). */
export const CODE = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccessChallenge: 11,
} as const;

/** RFC 2865 §3: a packet is 20 to 4096 octets. */
export const MIN_PACKET = 20;
export const MAX_PACKET = 4096;

/** One attribute: its type and raw value (at most 253 octets). */
export interface Attribute {
  type: number;
  value: Buffer;
}

/** A decoded packet; `authenticator` is the 16-octet header field. */
export interface Packet {
  code: number;
  identifier: number;
  authenticator: Buffer;
  attributes: Attribute[];
}

/** Why a packet was dropped (labels of `authentik_outpost_radius_packets_dropped_total`). */
export type DropReason =
  | 'too_short'
  | 'too_long'
  | 'length_mismatch'
  | 'attribute_truncated'
  | 'attribute_empty'
  | 'attribute_length'
  | 'duplicate_message_authenticator';

/** A packet that is not well-formed RADIUS. */
export class PacketError extends Error {
  override name = 'PacketError';
  readonly reason: DropReason;
  constructor(reason: DropReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Exact value lengths of the fixed-size attributes read here (RFC 2865 §5, RFC 2868, RFC 3579). */
const FIXED_LENGTH: ReadonlyMap<number, number> = new Map([
  [ATTR.NasIpAddress, 4],
  [ATTR.NasPort, 4],
  [ATTR.ServiceType, 4],
  [ATTR.FramedMtu, 4],
  [ATTR.SessionTimeout, 4],
  [ATTR.NasPortType, 4],
  [ATTR.TunnelType, 4],
  [ATTR.TunnelMediumType, 4],
  [ATTR.ChapPassword, 17],
  [ATTR.MessageAuthenticator, 16],
]);

function checkValue(type: number, length: number): void {
  const fixed = FIXED_LENGTH.get(type);
  if (fixed !== undefined && length !== fixed)
    throw new PacketError('attribute_length', `attribute ${type} must be ${fixed} octets, not ${length}`);
  // RFC 2865 §5.2: 16 to 128 octets, a multiple of 16.
  if (type === ATTR.UserPassword && (length < 16 || length > 128 || length % 16 !== 0))
    throw new PacketError('attribute_length', `User-Password of ${length} octets`);
}

/**
 * Decodes and checks a packet. The Length field must fit what arrived (octets past it are padding and are
 * ignored, RFC 2865 §3); every attribute must lie inside it, carry a value, and have the length its type
 * requires; at most one Message-Authenticator (RFC 3579 §3.2).
 */
export function decodePacket(data: Buffer): Packet {
  if (data.length < MIN_PACKET) throw new PacketError('too_short', `${data.length} octets`);
  if (data.length > MAX_PACKET) throw new PacketError('too_long', `${data.length} octets`);
  const length = data.readUInt16BE(2);
  if (length < MIN_PACKET || length > MAX_PACKET || length > data.length)
    throw new PacketError('length_mismatch', `Length says ${length}, ${data.length} octets arrived`);
  const attributes: Attribute[] = [];
  let authenticators = 0;
  for (let at = MIN_PACKET; at < length;) {
    if (at + 2 > length) throw new PacketError('attribute_truncated', `attribute header at ${at}`);
    const type = data[at] as number;
    const size = data[at + 1] as number;
    if (size < 2 || at + size > length)
      throw new PacketError('attribute_truncated', `attribute ${type} of ${size} octets at ${at}`);
    if (size === 2) throw new PacketError('attribute_empty', `attribute ${type} has no value`);
    checkValue(type, size - 2);
    if (type === ATTR.MessageAuthenticator && ++authenticators > 1)
      throw new PacketError('duplicate_message_authenticator', 'two Message-Authenticators');
    attributes.push({ type, value: Buffer.from(data.subarray(at + 2, at + size)) });
    at += size;
  }
  return {
    code: data[0] as number,
    identifier: data[1] as number,
    authenticator: Buffer.from(data.subarray(4, 20)),
    attributes,
  };
}

/** Encodes a packet as it stands (the authenticator field as given; signing is message-authenticator.ts's). */
export function encodePacket(packet: Packet): Buffer {
  const parts: Buffer[] = [Buffer.alloc(MIN_PACKET)];
  let length = MIN_PACKET;
  for (const { type, value } of packet.attributes) {
    if (value.length === 0 || value.length > 253)
      throw new RangeError(`attribute ${type} must hold 1 to 253 octets, not ${value.length}`);
    parts.push(Buffer.from([type, value.length + 2]), value);
    length += value.length + 2;
  }
  if (length > MAX_PACKET) throw new RangeError(`a packet of ${length} octets is over ${MAX_PACKET}`);
  const out = Buffer.concat(parts, length);
  out[0] = packet.code;
  out[1] = packet.identifier;
  out.writeUInt16BE(length, 2);
  packet.authenticator.copy(out, 4, 0, 16);
  return out;
}

/** Splits a long value into attributes of at most 253 octets (EAP-Message, RFC 3579 §3.1). */
export function split(type: number, value: Buffer): Attribute[] {
  const out: Attribute[] = [];
  for (let at = 0; at < value.length; at += 253) out.push({ type, value: value.subarray(at, at + 253) });
  return out;
}
