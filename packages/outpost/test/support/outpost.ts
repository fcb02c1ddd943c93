/**
 * A proxy runtime served by a real node:http server on 127.0.0.1, with a recording logger and a fake
 * ReverseProxy (the sibling module's test double) that answers with what it was handed.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyRuntime } from '../../src/proxy/runtime.ts';
import type {
  Logger,
  OutpostInfo,
  ProxyProviderConfig,
  ProxyRuntime,
  ProxyRuntimeOptions,
  ReverseProxy,
  UpstreamRequest,
} from '../../src/proxy/types.ts';

/** One recorded log line. */
export interface LogLine {
  level: string;
  obj: object;
  msg?: string;
}

/** A running outpost. */
export interface TestOutpost {
  runtime: ProxyRuntime;
  port: number;
  logs: LogLine[];
  events: Array<Record<string, unknown>>;
  upstreamCalls: Array<{ url: string; upstream: UpstreamRequest; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

/** The outpost as the core delivers it. */
export const OUTPOST: OutpostInfo = {
  pk: '00000000-0000-4000-8000-000000000001',
  name: 'test outpost',
  type: 'proxy',
  managed: null,
  config: { authentik_host: 'http://core.invalid' },
  refresh_interval_s: 300,
};

function recordingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The fake upstream side: answers 200 with a JSON account of the hand-over. */
function fakeReverseProxy(calls: TestOutpost['upstreamCalls']): ReverseProxy {
  return {
    forward(req, res, upstream) {
      calls.push({ url: req.url ?? '', upstream, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          url: req.url,
          sub: upstream.claims?.sub ?? null,
          identityHeaders: upstream.identityHeaders,
          consumedAuthorization: upstream.consumedAuthorization,
        }),
      );
    },
    upgrade(req, socket, _head, upstream) {
      calls.push({ url: req.url ?? '', upstream, headers: req.headers });
      socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n');
    },
    retain() {},
  };
}

/** Starts a runtime with `providers` on an ephemeral port. */
export async function startOutpost(
  providers: ProxyProviderConfig[],
  overrides: Partial<ProxyRuntimeOptions> = {},
): Promise<TestOutpost> {
  const logs: LogLine[] = [];
  const events: TestOutpost['events'] = [];
  const upstreamCalls: TestOutpost['upstreamCalls'] = [];
  const runtime = createProxyRuntime(
    {
      version: 'goauthentik.io/outpost/2026.1.0',
      embedded: false,
      coreFetch: (url, init) => fetch(url, init),
      postEvent: (event) => events.push(event),
      metrics: { request() {}, upstream() {} },
      log: recordingLogger(logs),
      trustedProxyCidrs: [],
      ...overrides,
    },
    fakeReverseProxy(upstreamCalls),
  );
  runtime.update(OUTPOST, providers, new Map());
  const server: Server = createServer((req, res) => runtime.handleRequest(req, res));
  server.on('upgrade', (req, socket, head) => runtime.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    runtime,
    port: (server.address() as AddressInfo).port,
    logs,
    events,
    upstreamCalls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
