/**
 * The forwarding headers of proxy mode (spec proxy-outpost.md §5.1): whatever the client claims about the
 * hops before us is dropped, and X-Forwarded-For / -Host / -Proto are written from what the runtime
 * established (after its trusted-proxy rules). Trusting client-sent forwarding headers is a recurring bypass
 * (authentik CVE-2023-36456, oauth2-proxy CVE-2026-40575; forward-auth-field-notes.md §2).
 */
import type { UpstreamRequest } from './types.ts';

/**
 * Whether a lower-case header name carries a claim about earlier hops: `Forwarded` (RFC 7239 §4), any
 * `X-Forwarded-*` (For, Host, Proto, Port, Prefix, Uri, Method, ...) and `X-Real-IP`. None of these may reach
 * the upstream as the client sent them.
 */
export function isForwardingHeader(lowerName: string): boolean {
  return lowerName.startsWith('x-forwarded-') || lowerName === 'forwarded' || lowerName === 'x-real-ip';
}

/**
 * The rebuilt forwarding headers, as flat name/value pairs (the `rawHeaders` layout node:http accepts).
 * X-Forwarded-For holds exactly one address: the client as the runtime determined it, so an address a
 * client prepends can never look like a hop.
 */
export function forwardedHeaders(upstream: UpstreamRequest): string[] {
  return [
    'X-Forwarded-For',
    upstream.clientAddress,
    'X-Forwarded-Host',
    upstream.clientHost,
    'X-Forwarded-Proto',
    upstream.clientScheme,
  ];
}
