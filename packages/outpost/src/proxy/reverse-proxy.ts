/**
 * Proxy mode's upstream side (spec proxy-outpost.md §6.1): streams each request to the provider's
 * internal_host and the answer back, on node:http alone. Bodies are piped both ways (backpressure, no
 * buffering), interim 1xx answers and trailers are relayed, and a failure before the answer started
 * becomes the 502 page.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sendErrorPage } from './error-page.ts';
import { downstreamResponseHeaders, forwardableTrailers } from './reverse-proxy-headers.ts';
import {
  badGatewayPage,
  prepareUpstream,
  type ProxyContext,
  sendUpstream,
  type UpstreamLabels,
} from './reverse-proxy-request.ts';
import { createAgentPool } from './reverse-proxy-target.ts';
import { forwardUpgrade } from './reverse-proxy-upgrade.ts';
import type { Logger, ProxyMetrics, ReverseProxy, UpstreamRequest } from './types.ts';

/** What the reverse proxy needs. */
export interface ReverseProxyOptions {
  log: Logger;
  metrics: ProxyMetrics;
  /**
   * The outpost's version. Not sent upstream: like the reference, the client's User-Agent passes unchanged
   * and nothing announces the outpost to the application beyond X-authentik-meta-version.
   */
  version: string;
  /** For log lines (the process adds it to its own). */
  outpostName?: string;
  /** Milliseconds, for durations; monotonic by default. */
  now?: () => number;
  /** A new upstream connection that takes longer fails with 502 (default 10 s). */
  connectTimeoutMs?: number;
  /** An upstream socket silent this long is closed (default 5 min, so long polls and SSE survive). */
  idleTimeoutMs?: number;
}

/** Creates the reverse proxy of proxy mode. */
export function createReverseProxy(options: ReverseProxyOptions): ReverseProxy {
  const ctx: ProxyContext = {
    log: options.log,
    metrics: options.metrics,
    now: options.now ?? (() => performance.now()),
    agents: createAgentPool(),
    outpostName: options.outpostName ?? '',
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
  };
  return {
    forward: (req, res, upstream) => forward(ctx, req, res, upstream),
    upgrade: (req, socket, head, upstream) => forwardUpgrade(ctx, req, socket, head, upstream),
    retain: (providerPks) => ctx.agents.retain(providerPks),
  };
}

// RFC 9110 §6.4.1: these answers never carry content, so they are never chunked.
function hasNoContent(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

function isHttp11(req: IncomingMessage): boolean {
  return req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1);
}

/**
 * Writes the upstream's status and headers. Headers the runtime already set on `res` (a Set-Cookie after
 * header authentication) are kept: Set-Cookie adds to the upstream's, other names yield to the upstream.
 */
function writeUpstreamHead(res: ServerResponse, status: number, headers: string[]): void {
  const preset = res.getHeaderNames();
  if (preset.length > 0) {
    const upstreamNames = new Set<string>();
    for (let i = 0; i < headers.length; i += 2) upstreamNames.add((headers[i] ?? '').toLowerCase());
    for (const name of preset) {
      const value = res.getHeader(name);
      res.removeHeader(name);
      if (value === undefined || (upstreamNames.has(name) && name !== 'set-cookie')) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.push(name, String(item));
    }
  }
  res.writeHead(status, headers);
}

function forward(
  ctx: ProxyContext,
  req: IncomingMessage,
  res: ServerResponse,
  upstream: UpstreamRequest,
): void {
  const started = ctx.now();
  const prepared = prepareUpstream(ctx, req, upstream);
  if (!prepared) {
    sendErrorPage(res, 502, badGatewayPage(upstream, new Error('the provider has no usable internal_host')));
    return;
  }
  let observed = false;
  const observe = (labels: UpstreamLabels) => {
    if (observed) return;
    observed = true;
    ctx.metrics.upstream(labels, (ctx.now() - started) / 1000);
  };
  let upstreamReq: ClientRequest;
  try {
    upstreamReq = sendUpstream(ctx, prepared);
  } catch (error) {
    // node:http validates what it sends; whatever slipped past the header rules must not escape.
    ctx.log.error(
      { provider: upstream.provider.name, error: String(error) },
      'could not build the upstream request',
    );
    sendErrorPage(
      res,
      502,
      badGatewayPage(upstream, error instanceof Error ? error : new Error(String(error))),
    );
    return;
  }

  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    upstreamReq.destroy();
    if (res.destroyed || res.writableEnded) return; // the client left; nothing to tell it
    ctx.log.warn(
      {
        outpost: ctx.outpostName,
        provider: upstream.provider.name,
        upstream_host: prepared.labels.upstream_host,
        error: error.message,
      },
      'upstream request failed',
    );
    // Once the answer has started its status is out: all that is left is to cut the response short.
    if (res.headersSent) res.destroy(error);
    else sendErrorPage(res, 502, badGatewayPage(upstream, error));
  };
  upstreamReq.on('error', fail);

  // The client going away (or the answer being done) ends the upstream exchange: no socket outlives it.
  res.on('close', () => {
    observe(prepared.labels);
    if (!res.writableFinished) upstreamReq.destroy();
  });
  req.on('error', () => upstreamReq.destroy());

  upstreamReq.on('information', (info) => {
    if (res.headersSent || !isHttp11(req)) return; // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client
    // RFC 9110 §10.1.1: the upstream's 100 (Continue) tells the client to send its body; node:http only
    // sends one itself when the server has no checkContinue listener, and a second 100 is harmless.
    if (info.statusCode === 100) res.writeContinue();
    // RFC 8297: 103 (Early Hints) carries Link headers for the client to preload.
    else if (info.statusCode === 103 && info.headers.link) res.writeEarlyHints({ link: info.headers.link });
  });

  upstreamReq.on('response', (upstreamRes) => {
    const isChunked =
      upstreamRes.headers['content-length'] === undefined &&
      !hasNoContent(req.method, upstreamRes.statusCode ?? 502) &&
      isHttp11(req);
    const headers = downstreamResponseHeaders(upstreamRes.rawHeaders, isChunked);
    upstreamRes.on('error', fail);
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete) fail(new Error('upstream closed the connection mid-response'));
    });
    try {
      writeUpstreamHead(res, upstreamRes.statusCode ?? 502, headers);
    } catch (error) {
      // node:http refuses some header values it parsed itself (e.g. a Trailer on a non-chunked answer).
      fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    upstreamRes.pipe(res, { end: false });
    upstreamRes.on('end', () => {
      const trailers = forwardableTrailers(upstreamRes.rawTrailers);
      if (trailers.length > 0 && isChunked) res.addTrailers(trailers);
      res.end();
    });
  });

  // Not ended by the pipe, so that a chunked request's trailers can follow its body (RFC 9112 §7.1.2).
  if (req.readableEnded) {
    upstreamReq.end(); // the runtime already drained a body-less request
    return;
  }
  req.pipe(upstreamReq, { end: false });
  req.on('end', () => {
    const trailers = forwardableTrailers(req.rawTrailers);
    if (trailers.length > 0 && req.headers['transfer-encoding'] !== undefined)
      upstreamReq.addTrailers(trailers);
    upstreamReq.end();
  });
}
