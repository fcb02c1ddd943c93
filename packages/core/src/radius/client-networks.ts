import { isIPv4 } from 'node:net';
import { ipv6Bytes } from '@palisade/schema';

/**
 * A RADIUS provider's `client_networks`: comma-separated CIDRs (IPv4 or IPv6, prefix length required).
 * Each must parse and have no host bits set (`10.0.0.1/8` is refused with the network it likely means),
 * so that the outposts' longest-prefix match sees exactly the networks the admin meant. Stored as
 * `a/n, b/m`, each in the text form it was given, lower-cased.
 */
export function parseClientNetworks(text: string): { canonical: string } | { problems: string[] } {
  const problems: string[] = [];
  const networks: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') {
      problems.push('An empty entry between commas is not a network.');
      continue;
    }
    const problem = cidrProblem(entry);
    if (problem) problems.push(problem);
    else networks.push(entry);
  }
  return problems.length ? { problems } : { canonical: networks.join(', ') };
}

/** The bytes of an IPv4 or IPv6 address, or undefined. */
function addressBytes(address: string): Uint8Array | undefined {
  if (isIPv4(address)) return Uint8Array.from(address.split('.'), Number);
  return ipv6Bytes(address);
}

/** Why `entry` is not a network in CIDR form, or undefined. */
function cidrProblem(entry: string): string | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const bytes = addressBytes(address);
  if (!bytes || prefix === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefix))
    return `"${entry}" is not a network such as 192.0.2.0/24 or 2001:db8::/32.`;
  const bits = Number(prefix);
  if (bits > bytes.length * 8) return `"${entry}": the prefix length is at most ${bytes.length * 8}.`;
  const network = bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  if (network.some((byte, i) => byte !== bytes[i])) {
    const text =
      bytes.length === 4
        ? [...network].join('.')
        : Array.from({ length: 8 }, (_, i) =>
            (((network[i * 2] ?? 0) << 8) | (network[i * 2 + 1] ?? 0)).toString(16),
          )
            .join(':')
            .replace(/(^|:)0(:0)+(:|$)/, '::');
    return `"${entry}" has host bits set; the network is ${text}/${bits}.`;
  }
  return undefined;
}
