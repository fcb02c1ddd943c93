/**
 * What a request says about its origin, after trust rules: which peers may speak for the client through
 * X-Forwarded-* (trustedProxyCidrs, empty by default), and the host used to pick an application.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { canonicalHost } from '../url/canonical.ts';

/** The first value of a header (the first element of a comma-joined list, for X-Forwarded-*). */
export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const raw = req.headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const first = value.split(',')[0]?.trim() ?? '';
  return first === '' ? undefined : first;
}

/** Plain IPv4 for an IPv4-mapped IPv6 address. */
const plainAddress = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** Decides which peers are trusted proxies. */
export interface PeerTrust {
  isTrusted(address: string | undefined): boolean;
}

/** Builds the trust rule from CIDRs (or bare addresses); invalid entries are reported and ignored. */
export function createPeerTrust(cidrs: readonly string[], onInvalid: (entry: string) => void): PeerTrust {
  const list = new BlockList();
  let count = 0;
  for (const entry of cidrs) {
    const [address = '', prefix] = entry.trim().split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      onInvalid(entry);
      continue;
    }
    list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
    count++;
  }
  return {
    isTrusted(address) {
      if (count === 0 || !address) return false;
      const plain = plainAddress(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/**
 * The canonical host that picks the application for a request that is not a forward-auth call (those are
 * routed by their original URL, forward-auth/original-request.ts): X-Forwarded-Host when a trusted peer sent
 * it, else Host.
 */
export function routingHost(req: IncomingMessage, isTrustedPeer: boolean): string | undefined {
  const forwarded = isTrustedPeer ? firstHeader(req, 'x-forwarded-host') : undefined;
  return canonicalHost(forwarded ?? req.headers.host ?? '');
}

/** The client as proxy mode reports it upstream (UpstreamRequest's clientScheme/Host/Address). */
export interface ClientInfo {
  scheme: 'http' | 'https';
  host: string;
  address: string;
}

/**
 * The client's scheme, host and address. X-Forwarded-* count only from a trusted peer; the address is the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy (the left-most is whatever the client
 * wrote).
 */
export function clientInfo(req: IncomingMessage, trust: PeerTrust): ClientInfo {
  const peer = plainAddress(req.socket.remoteAddress ?? '');
  const isEncrypted = (req.socket as TLSSocket).encrypted === true;
  const ownScheme = isEncrypted ? 'https' : 'http';
  if (!trust.isTrusted(peer)) return { scheme: ownScheme, host: req.headers.host ?? '', address: peer };
  const proto = firstHeader(req, 'x-forwarded-proto')?.toLowerCase();
  const chain = (
    Array.isArray(req.headers['x-forwarded-for'])
      ? req.headers['x-forwarded-for'].join(',')
      : (req.headers['x-forwarded-for'] ?? '')
  )
    .split(',')
    .map((part) => plainAddress(part.trim()))
    .filter((part) => isIP(part) !== 0);
  let address = peer;
  for (let i = chain.length - 1; i >= 0; i--) {
    address = chain[i] ?? address;
    if (!trust.isTrusted(address)) break;
  }
  return {
    scheme: proto === 'https' || proto === 'http' ? proto : ownScheme,
    host: firstHeader(req, 'x-forwarded-host') ?? req.headers.host ?? '',
    address,
  };
}
