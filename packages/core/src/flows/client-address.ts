import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key sign-in attempts are counted under for a client address. An IPv4 address counts alone; an IPv6
 * address counts with its whole /64, because one subscriber usually holds a /64 (RFC 6177 §3) and could
 * otherwise take a fresh address for every guess. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291
 * §2.5.5.2) is the IPv4 address it maps.
 */
export function throttleAddressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  const hextets = isIPv6(address) ? expandIPv6(address) : undefined;
  return hextets ? `${hextets.slice(0, 4).join(':')}::/64` : address;
}

/** The eight hextets of an IPv6 address (zone dropped, embedded IPv4 converted), or undefined. */
function expandIPv6(address: string): string[] | undefined {
  let text = address.split('%')[0] ?? '';
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = v4[1].split('.').map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  const full = [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right];
  return full.map((part) => Number.parseInt(part, 16).toString(16));
}
