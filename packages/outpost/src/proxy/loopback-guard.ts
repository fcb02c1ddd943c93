/**
 * Never send a remote browser to a loopback address (issue 19, point 1). An outpost whose core URL is
 * loopback (the embedded outpost before its `authentik_host` is set) would redirect sign-in and sign-out to
 * `http://127.0.0.1:9000/…`, which only a browser on the server itself can open. Such a redirect, for a
 * client that is not on this machine, becomes a page telling the administrator what to set.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { isLoopbackHost, isLoopbackUrl } from '@palisade/schema/loopback';
import { errorPageReply } from './error-page.ts';
import type { RateLimited } from './http/rate-limited.ts';
import type { Reply } from './http/reply.ts';
import type { Logger } from './types.ts';

/** Every address a request names for its client: the peer, then X-Forwarded-For, X-Real-IP, Forwarded for=. */
function clientAddresses(req: IncomingMessage): string[] {
  const named = [req.headers['x-forwarded-for'], req.headers['x-real-ip']]
    .flat()
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','));
  // RFC 7239 §4: for="[2001:db8::1]:4711" or for=192.0.2.60; obfuscated identifiers are not addresses.
  for (const value of [req.headers.forwarded].flat())
    for (const match of (value ?? '').matchAll(/for="?\[?([0-9a-fA-F:.]+)\]?/gi)) named.push(match[1] ?? '');
  return [req.socket.remoteAddress ?? '', ...named].map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * Answers whether the client is on this machine: its peer and every address a proxy named for it are
 * loopback. Headers count here whoever sent them: they can only make the answer "remote", which refuses a
 * redirect and grants nothing.
 */
export function isLocalClient(req: IncomingMessage): boolean {
  return clientAddresses(req).every(
    (address) => isIP(address.replace(/^::ffff:/i, '')) !== 0 && isLoopbackHost(address),
  );
}

/** A redirect's target, when the reply is one. */
function locationOf(reply: Reply): string | undefined {
  if (reply.status < 300 || reply.status > 399) return undefined;
  return reply.headers?.Location ?? reply.headers?.location;
}

/** The page a remote browser gets instead of a redirect to a loopback address. */
function notReachableReply(reply: Reply): Reply {
  return errorPageReply(
    503,
    {
      title: 'Sign-in is not set up for this address',
      message:
        'This server would send your browser to a loopback address, which only works on the server itself. ' +
        "An administrator must set Palisade's browser-facing URL (external_url, or the outpost's authentik_host).",
    },
    reply.setCookies,
  );
}

/**
 * The reply to write: `reply` itself, unless it redirects a client that is not on this machine to a loopback
 * address; that is logged (once a minute per target host) for the administrator and answered with a page.
 */
export function guardLoopbackRedirect(
  reply: Reply,
  req: IncomingMessage,
  log: Logger,
  rateLimited: RateLimited,
): Reply {
  const location = locationOf(reply);
  if (location === undefined || !isLoopbackUrl(location) || isLocalClient(req)) return reply;
  const target = new URL(location).host;
  rateLimited(`loopback\0${target}`, (suppressed) =>
    log.warn(
      {
        reason: 'browser-facing URL is a loopback address',
        target,
        suppressed,
        fix: "set external_url (docs/install.md) or the outpost's authentik_host",
      },
      'refused to send a remote browser to a loopback address',
    ),
  );
  return notReachableReply(reply);
}
