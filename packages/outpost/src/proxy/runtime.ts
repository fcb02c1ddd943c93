/**
 * The proxy outpost's HTTP side (types.ts ProxyRuntime): fed configuration by the process, it answers every
 * request on ports 9000/9443. Any internal error fails closed: 401, never a pass.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ForwardCall, routeAppRequest } from './app-router.ts';
import { type Application, buildApplication, OUTPOST_PREFIX } from './app/application.ts';
import { forwardProxyOf, originalRequestOf } from './forward-auth/original-request.ts';
import { signatureOf } from './forward-auth/signatures.ts';
import { createHostRouter, type HostRouter } from './app/host-routing.ts';
import { createTtlCache } from './auth/ttl-cache.ts';
import type { RuntimeContext } from './context.ts';
import { clientInfo, createPeerTrust, routingHost } from './http/request-info.ts';
import { createRateLimited } from './http/rate-limited.ts';
import { type Reply, textReply, writeReply } from './http/reply.ts';
import { guardLoopbackRedirect } from './loopback-guard.ts';
import { noAppReply } from './no-app.ts';
import { forwardRequest, proxyDecision } from './proxy-mode.ts';
import { createTlsContexts } from './tls.ts';
import { createOpenedSessions } from './session/opened-sessions.ts';
import { coreSessionKey, createRevocations } from './session/revocations.ts';
import type {
  OutpostInfo,
  ProxyProviderConfig,
  ProxyRuntime,
  ProxyRuntimeOptions,
  ReverseProxy,
  TlsKeypair,
} from './types.ts';
import { canonicalPath } from './url/canonical.ts';

/** How long a header sign-in is remembered, and how many are. */
const HEADER_CACHE_MS = 60_000;
const HEADER_CACHE_ENTRIES = 10_000;
/** One configuration warning per provider and reason in this time. */
const CONFIGURATION_LOG_MS = 60_000;

/** Writes a reply as raw HTTP onto an upgrade socket, then closes it. */
function writeSocketReply(socket: Duplex, reply: Reply): void {
  const body = reply.body ?? '';
  const lines = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`, 'Connection: close'];
  for (const [name, value] of Object.entries(reply.headers ?? {})) lines.push(`${name}: ${value}`);
  for (const cookie of reply.setCookies ?? []) lines.push(`Set-Cookie: ${cookie}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** Creates the runtime; it serves nothing until the first update(). */
export function createProxyRuntime(options: ProxyRuntimeOptions, reverseProxy: ReverseProxy): ProxyRuntime {
  const now = options.now ?? Date.now;
  const log = options.log;
  let outpost: OutpostInfo = {
    pk: '',
    name: '',
    type: 'proxy',
    managed: null,
    config: {},
    refresh_interval_s: 300,
  };
  let router: HostRouter = createHostRouter([]);
  const failures = new Map<string, number>();
  const trust = createPeerTrust(options.trustedProxyCidrs, (entry) =>
    log.warn({ reason: 'invalid trusted proxy CIDR', entry }, 'trusted proxy entry ignored'),
  );
  const ctx: RuntimeContext = {
    options,
    now,
    revocations: createRevocations(now, {
      onEvict: (count) => log.warn({ reason: 'revocation list full', count }, 'oldest revocations dropped'),
    }),
    headerCache: createTtlCache(HEADER_CACHE_MS, HEADER_CACHE_ENTRIES, now),
    openedSessions: createOpenedSessions(now),
    rateLimited: createRateLimited(now, CONFIGURATION_LOG_MS),
    outpost: () => outpost,
    signInFailed(app, reason, detail = {}) {
      const count = (failures.get(app.config.name) ?? 0) + 1;
      failures.set(app.config.name, count);
      log.warn({ provider: app.config.name, reason, failures: count, ...detail }, 'sign-in failed');
      options.metrics.signInFailure?.({ provider: app.config.name, reason });
    },
  };
  const tls = createTlsContexts({ log, now });

  /**
   * The application for a request, and the canonical host that chose it. A forward-auth call is routed by the
   * host of its original URL, as its adapter reads it (original-request.ts), so the application, its cookie
   * and its decision come from that one host; other requests by Host (X-Forwarded-Host from trusted peers).
   */
  function resolve(
    req: IncomingMessage,
    rawPath: string,
  ): { app?: Application; host: string; forward?: ForwardCall } {
    const proxy = forwardProxyOf(canonicalPath(rawPath).path, rawPath);
    const forward = proxy && { proxy, original: originalRequestOf(req, proxy, 'https') };
    const host =
      forward?.original.host ?? routingHost(req, !forward && trust.isTrusted(req.socket.remoteAddress));
    const app = router.find(host);
    return { app, host: host ?? app?.host ?? '', forward };
  }

  const noApp = (host: string, req: IncomingMessage) =>
    noAppReply(
      host,
      req,
      router.applications.map((a) => a.host),
      log,
      ctx.rateLimited,
    );

  async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    labels: { host: string; type: 'app' | 'ping' },
  ) {
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (rawPath.startsWith(`${OUTPOST_PREFIX}/ping`)) {
      labels.type = 'ping';
      return writeReply(res, { status: 204 });
    }
    const { app, host, forward } = resolve(req, rawPath);
    if (!app) return writeReply(res, noApp(host || String(req.headers.host ?? ''), req));
    labels.host = app.host;
    const outcome = await routeAppRequest(app, ctx, req, host, clientInfo(req, trust), forward);
    if ('reply' in outcome) writeReply(res, guardLoopbackRedirect(outcome.reply, req, log, ctx.rateLimited));
    else forwardRequest(reverseProxy, req, res, outcome);
  }

  function failClosed(res: ServerResponse, error: unknown): void {
    log.error({ reason: 'internal error', error: (error as Error)?.message }, 'request failed closed');
    if (!res.headersSent) writeReply(res, textReply(401, 'unauthorized request'));
    else res.destroy();
  }

  async function dispatchUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const { app, host } = resolve(req, rawPath);
    if (!app) return writeSocketReply(socket, noApp(host, req));
    if (app.config.mode !== 'proxy') return writeSocketReply(socket, textReply(404, 'not found'));
    const { path, isAmbiguous } = canonicalPath(rawPath);
    const client = clientInfo(req, trust);
    const query = (req.url ?? '').includes('?')
      ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
      : '';
    const outcome = await proxyDecision(
      app,
      ctx,
      req,
      { scheme: client.scheme, host, path, query, isAmbiguous },
      client,
    );
    if ('reply' in outcome)
      return writeSocketReply(socket, guardLoopbackRedirect(outcome.reply, req, log, ctx.rateLimited));
    reverseProxy.upgrade(req, socket, head, outcome.upstream);
  }

  return {
    update(
      info: OutpostInfo,
      providers: readonly ProxyProviderConfig[],
      certs: ReadonlyMap<string, TlsKeypair>,
    ) {
      const apps = providers
        .map((config) => buildApplication(config, info, options, now))
        .filter((app): app is Application => app !== undefined);
      outpost = info;
      tls.update(providers, certs);
      router = createHostRouter(apps);
      reverseProxy.retain(new Set(apps.map((app) => app.config.pk)));
      if (apps.length === 0 && info.managed !== 'goauthentik.io/outposts/embedded')
        log.warn({ outpost: info.name, reason: 'no providers' }, 'outpost serves no application');
      log.info({ outpost: info.name, applications: apps.length }, 'applications updated');
    },
    endSession(sid) {
      ctx.revocations.revoke(coreSessionKey(sid));
      log.info({ reason: 'session end' }, 'core session ended; its proxy sessions are signed out');
    },
    handleRequest(req, res) {
      const started = process.hrtime.bigint();
      const labels: { host: string; type: 'app' | 'ping' } = { host: 'unknown', type: 'app' };
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        options.metrics.request(
          { method: req.method ?? 'GET', host: labels.host, type: labels.type },
          seconds,
        );
      });
      try {
        dispatch(req, res, labels).catch((error: unknown) => failClosed(res, error));
      } catch (error) {
        failClosed(res, error);
      }
    },
    wouldHandle(req) {
      const url = req.url ?? '/';
      const rawPath = url.split('?')[0] ?? '/';
      // The core serves nothing under the outpost's prefix: all of it is the outpost's, on any host (a
      // forward-auth call arrives with the outpost's service name as Host), as the reference routes it.
      if (rawPath === OUTPOST_PREFIX || rawPath.startsWith(`${OUTPOST_PREFIX}/`)) return true;
      // Only the Host header: on the core's port, X-Forwarded-Host counts only from trusted proxies.
      const host = routingHost(req, trust.isTrusted(req.socket.remoteAddress));
      const app = router.find(host, { onlyAsFallback: false });
      if (!app) return false;
      const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
      return signatureOf(query) !== undefined || app.config.mode === 'proxy';
    },
    handleUpgrade(req, socket, head) {
      const fail = (error: unknown) => {
        log.error({ reason: 'internal error', error: (error as Error)?.message }, 'upgrade failed closed');
        writeSocketReply(socket, textReply(401, 'unauthorized request'));
      };
      try {
        dispatchUpgrade(req, socket, head).catch(fail);
      } catch (error) {
        fail(error);
      }
    },
    secureContextFor: (servername) => tls.secureContextFor(servername),
    get applicationCount() {
      return router.applications.length;
    },
  };
}
