/**
 * A small BER codec for LDAP (X.690 as RFC 4511 §5.1 restricts it): definite lengths only, one-byte tags,
 * lengths of at most four bytes. Reading never trusts a length: every element must lie inside its parent,
 * and the caller bounds message size and nesting. Errors are BerError, which the connection turns into a
 * protocolError notice; nothing else is thrown for bad input.
 */

/** Input that is not the BER LDAP allows; the message says which rule it broke. */
export class BerError extends Error {
  override name = 'BerError';
}

/** Tag bytes of the universal types LDAP uses. */
export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  enumerated: 0x0a,
  sequence: 0x30,
  set: 0x31,
} as const;

/** One element: its tag byte and the bytes of its value (a view into the message, not a copy). */
export interface BerElement {
  tag: number;
  value: Buffer;
}

/** Whether the tag's constructed bit is set. */
export function isConstructed(tag: number): boolean {
  return (tag & 0x20) !== 0;
}

/**
 * The header of the element at `offset`: its tag, where its value starts and how long it is, or undefined
 * when `buffer` ends before the header does (more bytes may come). The value may end past the buffer.
 */
export function readHeader(
  buffer: Buffer,
  offset: number,
): { tag: number; start: number; length: number } | undefined {
  if (offset >= buffer.length) return undefined;
  const tag = buffer[offset] as number;
  // High-tag-number form (X.690 §8.1.2.4): no LDAP element uses it.
  if ((tag & 0x1f) === 0x1f) throw new BerError('multi-byte tags are not used by LDAP');
  if (offset + 1 >= buffer.length) return undefined;
  const first = buffer[offset + 1] as number;
  if (first < 0x80) return { tag, start: offset + 2, length: first };
  const count = first & 0x7f;
  // 0x80 is the indefinite form, which RFC 4511 §5.1 forbids; more than four bytes is past any limit here.
  if (count === 0) throw new BerError('indefinite lengths are not allowed in LDAP');
  if (count > 4) throw new BerError('length of more than four bytes');
  if (offset + 2 + count > buffer.length) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (buffer[offset + 2 + i] as number);
  return { tag, start: offset + 2 + count, length };
}

/** The elements that fill `value` exactly (the children of a constructed element). */
export function readChildren(value: Buffer): BerElement[] {
  const children: BerElement[] = [];
  let offset = 0;
  while (offset < value.length) {
    const header = readHeader(value, offset);
    if (!header || header.start + header.length > value.length) {
      throw new BerError('an element runs past the end of its parent');
    }
    children.push({ tag: header.tag, value: value.subarray(header.start, header.start + header.length) });
    offset = header.start + header.length;
  }
  return children;
}

/** The one element that fills `buffer` exactly. */
export function readElement(buffer: Buffer): BerElement {
  const [only, ...rest] = readChildren(buffer);
  if (!only || rest.length > 0) throw new BerError('expected exactly one element');
  return only;
}

/** Checks an element's tag. */
export function expectTag(element: BerElement | undefined, tag: number, what: string): BerElement {
  if (!element) throw new BerError(`${what} is missing`);
  if (element.tag !== tag) {
    throw new BerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${element.tag.toString(16)}`);
  }
  return element;
}

/** An INTEGER or ENUMERATED value; at most four bytes, as every LDAP integer is (0..maxInt, RFC 4511). */
export function readInteger(element: BerElement): number {
  const bytes = element.value;
  if (bytes.length === 0 || bytes.length > 4) throw new BerError('integer of 0 or more than 4 bytes');
  return bytes.readIntBE(0, bytes.length);
}

/** A BOOLEAN value (one byte; any non-zero is true, X.690 §8.2). */
export function readBoolean(element: BerElement): boolean {
  if (element.value.length !== 1) throw new BerError('boolean of other than one byte');
  return element.value[0] !== 0;
}

/** An OCTET STRING as UTF-8 text (LDAPString); invalid UTF-8 is refused rather than replaced. */
export function readString(element: BerElement): string {
  const text = element.value.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(element.value)) throw new BerError('string is not UTF-8');
  return text;
}

/** Encodes a length (short form under 128, else the shortest long form). */
function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** An element from its tag and value bytes. */
export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

/** A constructed element (SEQUENCE, SET or an application/context tag) of `parts`. */
export function constructed(tag: number, parts: readonly Buffer[]): Buffer {
  return tlv(tag, Buffer.concat(parts));
}

/** An INTEGER or ENUMERATED in the fewest two's-complement bytes. */
export function integer(value: number, tag: number = TAG.integer): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest !== 0 && rest !== -1);
  // Keep the sign bit right: 128 needs a leading 0x00, -129 a leading 0xff.
  if (value >= 0 && ((bytes[0] as number) & 0x80) !== 0) bytes.unshift(0);
  if (value < 0 && ((bytes[0] as number) & 0x80) === 0) bytes.unshift(0xff);
  return tlv(tag, Buffer.from(bytes));
}

/** An OCTET STRING (or an implicitly tagged one) of UTF-8 text or bytes. */
export function octets(value: string | Buffer, tag: number = TAG.octetString): Buffer {
  return tlv(tag, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
}

/** A BOOLEAN (DER's 0xff for true). */
export function boolean(value: boolean, tag: number = TAG.boolean): Buffer {
  return tlv(tag, Buffer.from([value ? 0xff : 0]));
}
