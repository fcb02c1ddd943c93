/**
 * RADIUS attribute numbers and value helpers (RFC 2865 §5, RFC 2868 Tunnel-*, RFC 3579 EAP): the attributes
 * this outpost reads or writes, by their RFC names, and the encodings of vendor-specific and tagged values.
 */
import type { Attribute, Packet } from './packet.ts';

/** Attribute types used here, named as the RFCs name them. */
export const ATTR = {
  UserName: 1,
  UserPassword: 2,
  ChapPassword: 3,
  NasIpAddress: 4,
  NasPort: 5,
  ServiceType: 6,
  FramedMtu: 12,
  ReplyMessage: 18,
  State: 24,
  Class: 25,
  VendorSpecific: 26,
  SessionTimeout: 27,
  CalledStationId: 30,
  CallingStationId: 31,
  NasIdentifier: 32,
  ProxyState: 33,
  ChapChallenge: 60,
  NasPortType: 61,
  TunnelType: 64,
  TunnelMediumType: 65,
  EapMessage: 79,
  MessageAuthenticator: 80,
  TunnelPrivateGroupId: 81,
} as const;

/** Vendor numbers (IANA private enterprise numbers) of the vendor-specific attributes used here. */
export const VENDOR = { Microsoft: 311 } as const;

/** Microsoft vendor attribute types (RFC 2548). */
export const MS = { MppeSendKey: 16, MppeRecvKey: 17 } as const;

/** The first attribute of `type`, if any. */
export function attribute(packet: Packet, type: number): Buffer | undefined {
  return packet.attributes.find((a) => a.type === type)?.value;
}

/** Every attribute of `type`, in order (EAP-Message is split over several, RFC 3579 §3.1). */
export function attributes(packet: Packet, type: number): Buffer[] {
  return packet.attributes.filter((a) => a.type === type).map((a) => a.value);
}

/** A string attribute (text, RFC 2865 §5: UTF-8). */
export function text(type: number, value: string): Attribute {
  return { type, value: Buffer.from(value, 'utf8') };
}

/** A 32-bit integer attribute. */
export function integer(type: number, value: number): Attribute {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return { type, value: buffer };
}

/** A Vendor-Specific attribute (RFC 2865 §5.26) holding one vendor sub-attribute. */
export function vendorSpecific(vendor: number, vendorType: number, value: Buffer): Attribute {
  if (value.length > 247) throw new RangeError('a vendor attribute holds at most 247 octets');
  const buffer = Buffer.alloc(6 + value.length);
  buffer.writeUInt32BE(vendor, 0);
  buffer[4] = vendorType;
  buffer[5] = value.length + 2;
  value.copy(buffer, 6);
  return { type: ATTR.VendorSpecific, value: buffer };
}

/** One vendor sub-attribute, decoded. */
export interface VendorAttribute {
  vendor: number;
  type: number;
  value: Buffer;
}

/**
 * The sub-attributes of a Vendor-Specific value in the RFC 2865 §5.26 suggested format, or undefined when
 * the value does not follow it (a vendor is free not to: such a value is carried, not interpreted).
 */
export function decodeVendorSpecific(value: Buffer): VendorAttribute[] | undefined {
  if (value.length < 4) return undefined;
  const vendor = value.readUInt32BE(0);
  const found: VendorAttribute[] = [];
  for (let at = 4; at < value.length;) {
    const type = value[at];
    const length = value[at + 1];
    if (type === undefined || length === undefined || length < 2 || at + length > value.length)
      return undefined;
    found.push({ vendor, type, value: value.subarray(at + 2, at + length) });
    at += length;
  }
  return found;
}

/**
 * A tagged Tunnel-* integer (RFC 2868 §3.1-3.2: the tag in the first octet, the value in the other three), for
 * VLAN assignment: Tunnel-Type 13 (VLAN), Tunnel-Medium-Type 6 (IEEE-802).
 */
export function taggedInteger(type: number, tag: number, value: number): Attribute {
  if (tag < 0 || tag > 0x1f) throw new RangeError('a tunnel tag is 0 to 31');
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value & 0xffffff);
  buffer[0] = tag;
  return { type, value: buffer };
}

/** A tagged Tunnel-* string (RFC 2868 §3.6): a tag octet of 1-31 first, or none for tag 0. */
export function taggedText(type: number, tag: number, value: string): Attribute {
  if (tag < 0 || tag > 0x1f) throw new RangeError('a tunnel tag is 0 to 31');
  const body = Buffer.from(value, 'utf8');
  return { type, value: tag === 0 ? body : Buffer.concat([Buffer.from([tag]), body]) };
}
