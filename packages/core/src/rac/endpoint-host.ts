import { isIPv6 } from 'node:net';

/** An endpoint's host split into the `hostname` and optional `port` settings the outpost dials. */
export interface EndpointHost {
  hostname: string;
  port?: string;
}

const HOSTNAME = /^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62}))*\.?$/;

function validPort(port: string): boolean {
  return /^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}

/**
 * Parses `host`, `host:port`, `[v6]` or `[v6]:port` (a bare IPv6 address too); undefined when it is none of
 * these, so the API can say so instead of the outpost failing to dial later.
 */
export function parseEndpointHost(value: string): EndpointHost | undefined {
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(value);
  if (bracketed) {
    const [, address = '', port] = bracketed;
    if (!isIPv6(address) || (port !== undefined && !validPort(port))) return undefined;
    return port === undefined ? { hostname: address } : { hostname: address, port };
  }
  if (isIPv6(value)) return { hostname: value };
  const [hostname = '', port, ...rest] = value.split(':');
  if (rest.length > 0 || !HOSTNAME.test(hostname) || hostname.length > 253) return undefined;
  if (port !== undefined && !validPort(port)) return undefined;
  return port === undefined ? { hostname } : { hostname, port };
}
