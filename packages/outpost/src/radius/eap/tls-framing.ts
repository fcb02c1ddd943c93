/**
 * The EAP-TLS framing (RFC 5216 §3.1), which PEAP shares (its low three flag bits carry the PEAP version):
 * a flags octet, the TLS message length when L is set, and a fragment of the TLS records.
 */

/** Flag bits. */
export const TLS_FLAG = { Length: 0x80, More: 0x40, Start: 0x20 } as const;

/** Largest fragment sent (an EAP packet then fits 4 RADIUS attributes and common 1400-octet MTUs). */
export const FRAGMENT_BYTES = 1000;

/** The largest TLS message taken from a peer (a client certificate chain fits comfortably). */
export const MAX_TLS_MESSAGE = 64 * 1024;

/** A received EAP-TLS data field. */
export interface TlsData {
  flags: number;
  /** The total TLS message length, when the L flag carried it. */
  totalLength: number | undefined;
  fragment: Buffer;
}

/** Parses an EAP-TLS (or PEAP) data field; undefined when it is too short for its flags. */
export function parseTlsData(data: Buffer): TlsData | undefined {
  if (data.length < 1) return undefined;
  const flags = data[0] as number;
  if (flags & TLS_FLAG.Length) {
    if (data.length < 5) return undefined;
    return { flags, totalLength: data.readUInt32BE(1), fragment: data.subarray(5) };
  }
  return { flags, totalLength: undefined, fragment: data.subarray(1) };
}

/**
 * The next data field to send of `pending` (the records not yet sent): at most FRAGMENT_BYTES, L with the
 * total on the first of several, M while more follow. `version` goes in the low bits (PEAP).
 */
export function nextFragment(
  pending: Buffer,
  first: boolean,
  total: number,
  version = 0,
): { data: Buffer; rest: Buffer } {
  const piece = pending.subarray(0, FRAGMENT_BYTES);
  const rest = pending.subarray(piece.length);
  const more = rest.length > 0;
  const withLength = first && more;
  const head = Buffer.alloc(withLength ? 5 : 1);
  head[0] = (withLength ? TLS_FLAG.Length : 0) | (more ? TLS_FLAG.More : 0) | version;
  if (withLength) head.writeUInt32BE(total, 1);
  return { data: Buffer.concat([head, piece]), rest };
}
