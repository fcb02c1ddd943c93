/**
 * Client networks: which provider (and so which shared secret) a packet's source address belongs to, by
 * the longest matching prefix over every provider's `client_networks` (ldap-radius-rac.md §2.1: the
 * reference sorts by address width, which amounts to first match in provider order; an equal-length tie
 * here goes to the provider listed first).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** One parsed CIDR block. */
export interface Network {
  bytes: Buffer;
  prefix: number;
  text: string;
}

/** The 4 or 16 octets of an address (an IPv4-mapped IPv6 address counts as its IPv4 address). */
export function addressBytes(address: string): Buffer | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return addressBytes(mapped[1]);
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) return undefined;
  let text = address.split('%')[0] as string;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const [a, b, c, d] = v4[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((group, i) => out.writeUInt16BE(Number.parseInt(group, 16), i * 2));
  return out;
}

/** Parses one CIDR (`10.0.0.0/8`, `fd00::/8`, or a bare address as a host route). */
export function parseNetwork(text: string): Network | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const bytes = addressBytes(address);
  if (!bytes || extra !== undefined) return undefined;
  const max = bytes.length * 8;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { bytes, prefix, text: text.trim() };
}

/** Whether `address` (its octets) lies in `network`. */
export function contains(network: Network, address: Buffer): boolean {
  if (network.bytes.length !== address.length) return false;
  const whole = network.prefix >> 3;
  if (!network.bytes.subarray(0, whole).equals(address.subarray(0, whole))) return false;
  const rest = network.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((network.bytes[whole] as number) & mask) === ((address[whole] as number) & mask);
}

/** The default of a provider that names no networks (ldap-radius-rac.md §2.2). */
export const DEFAULT_NETWORKS = '0.0.0.0/0, ::/0';

/** A provider's networks: entries that do not parse are returned apart, to be logged and skipped. */
export function parseNetworks(list: string | undefined): { networks: Network[]; invalid: string[] } {
  const networks: Network[] = [];
  const invalid: string[] = [];
  for (const entry of (list ?? DEFAULT_NETWORKS).split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const network = parseNetwork(entry);
    if (network) networks.push(network);
    else invalid.push(entry);
  }
  return { networks, invalid };
}

/** Picks, among `candidates`, the one with the longest prefix containing `address`; first on a tie. */
export function longestMatch<T extends { networks: Network[] }>(
  candidates: readonly T[],
  address: string,
): { match: T; network: Network } | undefined {
  const bytes = addressBytes(address);
  if (!bytes) return undefined;
  let best: { match: T; network: Network } | undefined;
  for (const candidate of candidates) {
    for (const network of candidate.networks) {
      if (contains(network, bytes) && (!best || network.prefix > best.network.prefix))
        best = { match: candidate, network };
    }
  }
  return best;
}
