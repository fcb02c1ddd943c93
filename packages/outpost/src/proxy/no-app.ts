/**
 * The answer when no application matches a request's host (spec §3.1 step 4): the reference's 400 JSON for
 * API clients and proxies, an HTML page for browsers, and a warning naming the host and the hosts this
 * outpost knows, so a proxy that drops the port (`Host $host`) is found in the log (issue 19, point 2).
 */
import type { IncomingMessage } from 'node:http';
import { errorPageReply } from './error-page.ts';
import type { RateLimited } from './http/rate-limited.ts';
import type { Reply } from './http/reply.ts';
import type { Logger } from './types.ts';

/** Answers whether the client prefers a page: a browser's navigation asks for text/html. */
function wantsHtml(req: IncomingMessage): boolean {
  return /\btext\/html\b/i.test(String(req.headers.accept ?? ''));
}

/** 400 "no app for hostname": JSON tab-indented like the reference, or the same message as a page. */
export function noAppReply(
  host: string,
  req: IncomingMessage,
  knownHosts: readonly string[],
  log: Logger,
  rateLimited: RateLimited,
): Reply {
  rateLimited(`no app\0${host}`, (suppressed) =>
    log.warn(
      { reason: 'no app for hostname', host, known_hosts: knownHosts, suppressed },
      "no application for this host: check the provider's external host and that the proxy passes the Host header with its port ($http_host in nginx)",
    ),
  );
  const detail = `Check the outpost settings and make sure '${host}' is included.`;
  if (wantsHtml(req))
    return errorPageReply(400, { title: 'No application for this address', message: `${host}: ${detail}` });
  return {
    status: 400,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ Message: 'no app for hostname', Host: host, Detail: detail }, null, '\t'),
  };
}
