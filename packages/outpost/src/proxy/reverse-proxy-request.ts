/**
 * Building and sending one upstream request, shared by plain requests and upgrades: target, headers,
 * agent, TLS name, timeouts, and the error page an upstream failure turns into.
 */
import {
  type ClientRequest,
  type IncomingMessage,
  request as httpRequest,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { ErrorPage } from './error-page.ts';
import { upstreamRequestHeaders } from './reverse-proxy-headers.ts';
import { type AgentPool, upstreamPath, upstreamTarget } from './reverse-proxy-target.ts';
import type { Logger, ProxyMetrics, ProxyProviderConfig, UpstreamRequest } from './types.ts';

/** What the reverse proxy's parts share. */
export interface ProxyContext {
  log: Logger;
  metrics: ProxyMetrics;
  now: () => number;
  agents: AgentPool;
  outpostName: string;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
}

/** The metrics labels of one upstream exchange; hosts come from configuration only (bounded). */
export type UpstreamLabels = Parameters<ProxyMetrics['upstream']>[0];

/** One upstream request, ready to send. */
export interface PreparedRequest {
  options: RequestOptions;
  isTls: boolean;
  labels: UpstreamLabels;
}

const externalHosts = new WeakMap<ProxyProviderConfig, string>();

function externalHost(provider: ProxyProviderConfig): string {
  let host = externalHosts.get(provider);
  if (host === undefined) {
    try {
      host = new URL(provider.external_host).host;
    } catch {
      host = 'unknown';
    }
    externalHosts.set(provider, host);
  }
  return host;
}

/** Prepares the upstream request; undefined when the provider's internal_host is unusable (logged). */
export function prepareUpstream(
  ctx: ProxyContext,
  req: IncomingMessage,
  upstream: UpstreamRequest,
  upgrade?: string,
): PreparedRequest | undefined {
  const target = upstreamTarget(upstream, ctx.log);
  if (!target) {
    ctx.log.error(
      { provider: upstream.provider.name, internal_host: upstream.provider.internal_host },
      'internal_host is not an absolute http(s) URL',
    );
    return undefined;
  }
  const { headers, dropped } = upstreamRequestHeaders(req, upstream, upgrade);
  if (dropped.length > 0) {
    ctx.log.debug(
      { provider: upstream.provider.name, headers: dropped },
      'dropped spoofable request headers',
    );
  }
  const isTls = target.protocol === 'https:';
  const options: RequestOptions & { servername?: string } = {
    agent: ctx.agents.agentFor(upstream.provider, target.protocol),
    host: target.hostname,
    port: target.port,
    method: req.method,
    path: upstreamPath(req.url),
    headers,
    // Socket inactivity while waiting for or reading the answer; streams that stay silent longer are cut.
    timeout: ctx.idleTimeoutMs,
  };
  // RFC 6066 §3: SNI and the certificate check name the upstream, not the Host header we forward
  // (node:https would otherwise take the Host header). SNI carries no IP literals.
  if (isTls) options.servername = isIP(target.hostname) ? '' : target.hostname;
  const labels = {
    method: req.method ?? 'GET',
    scheme: upstream.clientScheme,
    host: externalHost(upstream.provider),
    upstream_host: target.host,
  };
  return { options, isTls, labels };
}

/** Sends the request, with a connect timeout on new connections and the idle timeout on the socket. */
export function sendUpstream(ctx: ProxyContext, prepared: PreparedRequest): ClientRequest {
  const upstreamReq = (prepared.isTls ? httpsRequest : httpRequest)(prepared.options);
  upstreamReq.on('socket', (socket) => {
    if (!socket.connecting) return; // a pooled keep-alive connection
    const timer = setTimeout(() => {
      upstreamReq.destroy(new Error(`connect timeout after ${ctx.connectTimeoutMs} ms`));
    }, ctx.connectTimeoutMs);
    const clear = () => clearTimeout(timer);
    socket.once('connect', clear);
    upstreamReq.once('close', clear);
  });
  upstreamReq.on('timeout', () => {
    upstreamReq.destroy(new Error(`upstream idle for ${ctx.idleTimeoutMs} ms`));
  });
  return upstreamReq;
}

/**
 * The 502 page (spec §6.1 step 8): the error itself only for superusers, since it names internal hosts
 * and addresses.
 */
export function badGatewayPage(upstream: UpstreamRequest, error: Error): ErrorPage {
  return {
    title: 'Bad Gateway',
    message:
      upstream.claims?.ak_proxy?.is_superuser === true
        ? `Error proxying to upstream server: ${error.message}`
        : 'Failed to connect to backend.',
  };
}
