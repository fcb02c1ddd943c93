/**
 * Loopback addresses and names: a URL on one of them reaches only the machine that opens it, so it is never a
 * browser-facing address of a server (issue 19, point 1). Shared by the core, the outpost and the console.
 */

/** Strips IPv6 brackets and a trailing dot, lowercases. */
function bareHost(hostname: string): string {
  return hostname
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * Answers whether a host name or address is loopback: `localhost` and names under it (RFC 6761 §6.3),
 * 127.0.0.0/8, `::1`, IPv4-mapped loopback, and the unspecified addresses (0.0.0.0, `::`), which browsers
 * also connect to on the local machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = bareHost(hostname).replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '0.0.0.0') return true;
  return host === '::1' || host === '::' || host === '0:0:0:0:0:0:0:1' || host === '::ffff:7f00:1';
}

/** Answers whether a URL's host is loopback; a URL that does not parse is not one. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
