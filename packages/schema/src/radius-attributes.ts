import { type Static, Type } from '@sinclair/typebox';
import {
  RADIUS_ATTRIBUTES,
  RADIUS_DATA_TYPES,
  RADIUS_RESERVED_TYPES,
  RADIUS_VENDORS,
  type RadiusAttributeDefinition,
  type RadiusDataType,
} from './radius-dictionary.ts';

/**
 * RADIUS reply attributes: how a property mapping declares them (RadiusAttributeEntry), what the core hands
 * the outpost after check_access (RadiusReplyAttribute, every name resolved to numbers and every value
 * normalised), and how those become bytes (encodeReplyAttribute, RFC 2865 §5, §5.26; RFC 2868 §3).
 */

const DataType = Type.Union(RADIUS_DATA_TYPES.map((t) => Type.Literal(t)));

/**
 * One attribute of a mapping, as the admin writes it: a dictionary `name` (radius-dictionary.ts), or a
 * `type` number (with `vendor_id`, the vendor's own number) and its `data_type`; a `tag` (0-31) for the
 * tunnel attributes of RFC 2868; the value as text or a number (names of enumerated values allowed).
 */
export const RadiusAttributeEntry = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    type: Type.Optional(Type.Integer({ minimum: 1, maximum: 255 })),
    vendor_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 16777215 })),
    data_type: Type.Optional(DataType),
    tag: Type.Optional(Type.Integer({ minimum: 0, maximum: 31 })),
    value: Type.Union([Type.String({ maxLength: 253 * 2 }), Type.Integer()]),
  },
  { additionalProperties: false },
);

/**
 * An attribute ready to encode (Palisade's check_access answer for RADIUS, `attribute_list`): `type` is the
 * attribute's number, or the vendor's number inside Vendor-Specific when `vendor_id` is set; `value` is
 * text for `string`, lower-case hex for `octets`, a decimal uint32 for `integer`, the address's text form
 * for `ipv4addr` / `ipv6addr`; `tag` is set only for RFC 2868 tagged attributes.
 */
export const RadiusReplyAttribute = Type.Object({
  type: Type.Integer({ minimum: 1, maximum: 255 }),
  vendor_id: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  data_type: DataType,
  tag: Type.Union([Type.Integer({ minimum: 0, maximum: 31 }), Type.Null()]),
  value: Type.String(),
  /** The dictionary name, for logs and people (`Vendor-<id>-Attr-<n>` or `Attr-<n>` when there is none). */
  name: Type.String(),
});

/** A resolved reply attribute. */
export type ReplyAttribute = Static<typeof RadiusReplyAttribute>;

/** Finds a dictionary attribute by name (case-insensitive) among the standard and the vendors' ones. */
function byName(
  name: string,
): { definition: RadiusAttributeDefinition; vendorId: number | null; name: string } | undefined {
  const lower = name.toLowerCase();
  for (const [known, definition] of Object.entries(RADIUS_ATTRIBUTES))
    if (known.toLowerCase() === lower) return { definition, vendorId: null, name: known };
  for (const vendor of Object.values(RADIUS_VENDORS))
    for (const [known, definition] of Object.entries(vendor.attributes))
      if (known.toLowerCase() === lower) return { definition, vendorId: vendor.id, name: known };
  return undefined;
}

/** Finds a dictionary attribute by number. */
function byNumber(type: number, vendorId: number | null) {
  const table =
    vendorId === null
      ? RADIUS_ATTRIBUTES
      : Object.values(RADIUS_VENDORS).find((v) => v.id === vendorId)?.attributes;
  const found = Object.entries(table ?? {}).find(([, d]) => d.type === type);
  return found && { name: found[0], definition: found[1] };
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The normalised text of a value of `dataType`, or a problem. */
function normalise(
  value: string | number,
  dataType: RadiusDataType,
  definition: RadiusAttributeDefinition | undefined,
): { value: string } | { problem: string } {
  const text = String(value);
  switch (dataType) {
    case 'integer': {
      const named = definition?.values
        ? Object.entries(definition.values).find(([n]) => n.toLowerCase() === text.toLowerCase())
        : undefined;
      if (named) return { value: String(named[1]) };
      if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff)
        return {
          problem: definition?.values
            ? `must be a number or one of ${Object.keys(definition.values).join(', ')}`
            : 'must be a whole number from 0 to 4294967295',
        };
      // Tagged integers have three octets for the value (RFC 2868 §3.1).
      if (definition?.tagged && Number(text) > 0xffffff) return { problem: 'must be at most 16777215' };
      return { value: String(Number(text)) };
    }
    case 'string': {
      const length = new TextEncoder().encode(text).length;
      if (length === 0) return { problem: 'must not be empty' };
      if (length > 253 - (definition?.tagged ? 1 : 0))
        return { problem: 'is longer than an attribute can hold' };
      return { value: text };
    }
    case 'octets':
      if (!/^(?:[0-9a-fA-F]{2}){1,253}$/.test(text)) return { problem: 'must be 1 to 253 bytes in hex' };
      return { value: text.toLowerCase() };
    case 'ipv4addr':
      if (!IPV4.test(text)) return { problem: 'must be an IPv4 address' };
      return { value: text };
    case 'ipv6addr': {
      const bytes = ipv6Bytes(text);
      if (!bytes) return { problem: 'must be an IPv6 address' };
      return { value: text.toLowerCase() };
    }
  }
}

/**
 * Resolves a mapping's attribute against the dictionary: the encodable attribute, or a problem a person can
 * read (which attribute, and why).
 */
export function resolveAttribute(
  entry: Static<typeof RadiusAttributeEntry>,
): { attribute: ReplyAttribute } | { problem: string } {
  let definition: RadiusAttributeDefinition | undefined;
  let vendorId: number | null = entry.vendor_id ?? null;
  let type: number;
  let name: string;
  if (entry.name !== undefined) {
    if (entry.type !== undefined || entry.vendor_id !== undefined)
      return { problem: `${entry.name}: give a name, or a type (and vendor_id), not both` };
    const found = byName(entry.name);
    if (!found)
      return { problem: `${entry.name} is not an attribute Palisade knows; give its type and data_type` };
    ({ definition, vendorId, name } = found);
    type = definition.type;
    if (entry.data_type !== undefined && entry.data_type !== definition.dataType)
      return { problem: `${name} is of type ${definition.dataType}, not ${entry.data_type}` };
  } else if (entry.type !== undefined) {
    type = entry.type;
    if (vendorId === null && RADIUS_RESERVED_TYPES.has(type))
      return { problem: `attribute ${type} is set by the server, or is not a reply attribute` };
    const found = byNumber(type, vendorId);
    definition = found?.definition;
    name = found?.name ?? (vendorId === null ? `Attr-${type}` : `Vendor-${vendorId}-Attr-${type}`);
    if (!definition && entry.data_type === undefined) return { problem: `${name}: data_type is required` };
    if (definition && entry.data_type !== undefined && entry.data_type !== definition.dataType)
      return { problem: `${name} is of type ${definition.dataType}, not ${entry.data_type}` };
  } else return { problem: 'each attribute needs a name or a type' };
  const dataType = definition?.dataType ?? entry.data_type ?? 'octets';
  if (entry.tag !== undefined && !definition?.tagged) return { problem: `${name} takes no tag` };
  const normalised = normalise(entry.value, dataType, definition);
  if ('problem' in normalised) return { problem: `${name} ${normalised.problem}` };
  const tag = definition?.tagged ? (entry.tag ?? 0) : null;
  return {
    attribute: { type, vendor_id: vendorId, data_type: dataType, tag, value: normalised.value, name },
  };
}

/** The 16 bytes of an IPv6 address in text form (no zone, no embedded IPv4), or undefined. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:]{2,39}$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const bytes = new Uint8Array(16);
  for (const [i, group] of all.entries()) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    const n = parseInt(group, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  }
  return bytes;
}

/** The value's bytes, as its data type encodes them (and the tag octet of RFC 2868, when it has one). */
function valueBytes(attribute: ReplyAttribute): Uint8Array {
  const { value, tag } = attribute;
  switch (attribute.data_type) {
    case 'integer': {
      const n = Number(value);
      // A tagged integer is the tag octet and a 3-octet value (RFC 2868 §3.1).
      if (tag !== null) return Uint8Array.of(tag, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
      return Uint8Array.of((n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
    }
    case 'string': {
      const text = new TextEncoder().encode(value);
      // A tagged string's tag octet is sent only when it is a tag (0x01-0x1F, RFC 2868 §3.5 note).
      return tag ? Uint8Array.of(tag, ...text) : text;
    }
    case 'octets':
      return Uint8Array.from(value.match(/../g) ?? [], (h) => parseInt(h, 16));
    case 'ipv4addr':
      return Uint8Array.from(value.split('.'), Number);
    case 'ipv6addr':
      return ipv6Bytes(value) ?? new Uint8Array(16);
  }
}

/**
 * The bytes of one reply attribute on the wire: Type, Length, Value; a vendor's attribute wrapped in
 * Vendor-Specific (26) with the vendor's number and its own Type and Length (RFC 2865 §5.26).
 */
export function encodeReplyAttribute(attribute: ReplyAttribute): Uint8Array {
  const value = valueBytes(attribute);
  const inner = Uint8Array.of(attribute.type, value.length + 2, ...value);
  if (attribute.vendor_id === null) return inner;
  const v = attribute.vendor_id;
  return Uint8Array.of(
    26,
    inner.length + 6,
    (v >>> 24) & 0xff,
    (v >> 16) & 0xff,
    (v >> 8) & 0xff,
    v & 0xff,
    ...inner,
  );
}

/**
 * An Access-Accept (code 2) carrying `attributes`, identifier 0 and a zero authenticator: the reference's
 * check_access `attributes` (base64 of this), from which its outpost copies every attribute into the reply
 * it signs itself. Over 4096 bytes (RFC 2865 §3) is an error: a mapping may not make a reply unsendable.
 */
export function accessAcceptCarrying(attributes: readonly ReplyAttribute[]): Uint8Array {
  const body = attributes.map(encodeReplyAttribute);
  const length = 20 + body.reduce((n, a) => n + a.length, 0);
  if (length > 4096) throw new RangeError(`the attributes need ${length} bytes, over RADIUS's 4096`);
  const packet = new Uint8Array(length);
  packet.set([2, 0, length >> 8, length & 0xff]);
  let offset = 20;
  for (const attribute of body) {
    packet.set(attribute, offset);
    offset += attribute.length;
  }
  return packet;
}
