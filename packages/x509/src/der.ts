/**
 * The few DER encodings (ITU-T X.690) an X.509 certificate needs. Only encoding: certificates are parsed by
 * node:crypto's X509Certificate, and signatures are made by node:crypto.
 */

/** One encoded element: tag, length, content. */
function element(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

/** SEQUENCE of the given elements. */
export const sequence = (...items: Buffer[]): Buffer => element(0x30, Buffer.concat(items));

/** SET of the given elements (callers pass one element, so no DER sorting is needed). */
export const set = (...items: Buffer[]): Buffer => element(0x31, Buffer.concat(items));

/** A non-negative INTEGER from its big-endian bytes (a leading zero is added when the top bit is set). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const content = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return element(0x02, content);
}

/** A small INTEGER. */
export const smallInteger = (value: number): Buffer => unsignedInteger(Buffer.from([value]));

/** BOOLEAN. */
export const boolean = (value: boolean): Buffer => element(0x01, Buffer.from([value ? 0xff : 0]));

/** NULL. */
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);

/** OBJECT IDENTIFIER from its dotted form. */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v % 128));
    bytes.push(...chunk);
  }
  return element(0x06, Buffer.from(bytes));
}

/** UTF8String. */
export const utf8String = (text: string): Buffer => element(0x0c, Buffer.from(text, 'utf8'));

/** OCTET STRING. */
export const octetString = (content: Buffer): Buffer => element(0x04, content);

/** BIT STRING with no unused bits. */
export const bitString = (content: Buffer): Buffer =>
  element(0x03, Buffer.concat([Buffer.from([0]), content]));

/**
 * A certificate validity time: UTCTime through 2049, GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5), always
 * in whole seconds and UTC.
 */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.678Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'; // 20260102030405Z
  return date.getUTCFullYear() < 2050
    ? element(0x17, Buffer.from(digits.slice(2), 'ascii'))
    : element(0x18, Buffer.from(digits, 'ascii'));
}

/** A context-specific constructed element ([n] EXPLICIT). */
export const explicit = (tagNumber: number, content: Buffer): Buffer => element(0xa0 | tagNumber, content);

/** A context-specific primitive element ([n] IMPLICIT of a primitive type, such as a dNSName). */
export const implicitPrimitive = (tagNumber: number, content: Buffer): Buffer =>
  element(0x80 | tagNumber, content);
