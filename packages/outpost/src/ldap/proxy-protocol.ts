/**
 * The PROXY protocol header (HAProxy's v1 text and v2 binary forms), read only on listeners where it is
 * enabled. It is optional there: an LDAP message starts with 0x30, which neither header form does.
 * Only the source address is used (as the client address delegated to the core).
 */

const V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
/** A v1 line is at most 107 bytes; a v2 header here at most 16 + 216 (TLVs are skipped). */
const V1_MAX = 107;
const V2_MAX = 16 + 216;

/** What reading a header gave: need more bytes, a header (and the bytes after it), none, or garbage. */
export type ProxyHeader =
  | { state: 'more' }
  | { state: 'none'; rest: Buffer }
  | { state: 'header'; sourceIp: string | undefined; rest: Buffer }
  | { state: 'invalid'; reason: string };

function ipv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

function readV1(buffer: Buffer): ProxyHeader {
  const end = buffer.indexOf('\r\n');
  if (end < 0)
    return buffer.length >= V1_MAX
      ? { state: 'invalid', reason: 'PROXY v1 line too long' }
      : { state: 'more' };
  const parts = buffer.subarray(0, end).toString('latin1').split(' ');
  const rest = buffer.subarray(end + 2);
  if (parts[0] !== 'PROXY') return { state: 'invalid', reason: 'not a PROXY line' };
  if (parts[1] === 'UNKNOWN') return { state: 'header', sourceIp: undefined, rest };
  if ((parts[1] !== 'TCP4' && parts[1] !== 'TCP6') || parts.length !== 6) {
    return { state: 'invalid', reason: 'malformed PROXY v1 line' };
  }
  return { state: 'header', sourceIp: parts[2], rest };
}

function readV2(buffer: Buffer): ProxyHeader {
  if (buffer.length < 16) return { state: 'more' };
  const versionCommand = buffer[12] as number;
  const family = buffer[13] as number;
  const length = buffer.readUInt16BE(14);
  if (versionCommand >> 4 !== 2) return { state: 'invalid', reason: 'PROXY v2 of an unknown version' };
  if (16 + length > V2_MAX) return { state: 'invalid', reason: 'PROXY v2 header too long' };
  if (buffer.length < 16 + length) return { state: 'more' };
  const body = buffer.subarray(16, 16 + length);
  const rest = buffer.subarray(16 + length);
  // LOCAL (health checks of the balancer itself): the connection's own address stands.
  if ((versionCommand & 0x0f) === 0) return { state: 'header', sourceIp: undefined, rest };
  if (family === 0x11 && body.length >= 12)
    return { state: 'header', sourceIp: [...body.subarray(0, 4)].join('.'), rest };
  if (family === 0x21 && body.length >= 36)
    return { state: 'header', sourceIp: ipv6(body.subarray(0, 16)), rest };
  return { state: 'header', sourceIp: undefined, rest };
}

/** Reads a PROXY header at the start of `buffer` (everything received so far). */
export function readProxyHeader(buffer: Buffer): ProxyHeader {
  if (buffer.length === 0) return { state: 'more' };
  if (buffer[0] === 0x0d) {
    const compared = Math.min(buffer.length, V2_SIGNATURE.length);
    if (!buffer.subarray(0, compared).equals(V2_SIGNATURE.subarray(0, compared))) {
      return { state: 'invalid', reason: 'not a PROXY v2 signature' };
    }
    return compared < V2_SIGNATURE.length ? { state: 'more' } : readV2(buffer);
  }
  if (buffer[0] === 0x50) return readV1(buffer);
  return { state: 'none', rest: buffer };
}
