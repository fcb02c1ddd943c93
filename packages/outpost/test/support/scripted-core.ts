/**
 * A stand-in core that answers what a test scripts, to send what the real core never sends: bodies that do
 * not fit the schema, truncated JSON, a connection cut mid-answer, unknown or oversized websocket frames.
 * It serves the outpost's API paths (valid answers by default) and its websocket, ACKing every HELLO.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { providerConfig } from './configs.ts';

/** The outpost the scripted core serves. */
export const SCRIPTED_OUTPOST = {
  pk: '0b3f5c9e-1111-4222-8333-444455556666',
  name: 'scripted',
  type: 'proxy',
  providers: [1],
  providers_obj: [],
  service_connection: null,
  service_connection_obj: null,
  refresh_interval_s: 300,
  token_identifier: 'ak-outpost-scripted-api',
  config: { authentik_host: 'http://core.invalid/', log_level: 'info' },
  managed: null,
};

/** A valid root config. */
const ROOT_CONFIG = {
  error_reporting: {
    enabled: false,
    sentry_dsn: '',
    environment: '',
    send_pii: false,
    traces_sample_rate: 0,
  },
  capabilities: [],
  cache_timeout: 300,
  cache_timeout_flows: 300,
  cache_timeout_policies: 300,
};

/** How one API path is answered: a JSON value, or a handler that writes anything at all. */
export type Answer = unknown | ((req: IncomingMessage, res: ServerResponse) => void);

/** A page envelope around `results`. */
export const page = (results: unknown[], next = 0) => ({
  pagination: {
    next,
    previous: 0,
    count: results.length,
    current: 1,
    total_pages: 1,
    start_index: 1,
    end_index: 1,
  },
  results,
  autocomplete: {},
});

/** The running stand-in. */
export interface ScriptedCore {
  url: string;
  /** Answers by path (`outposts/instances/`, `outposts/proxy/?page=1&page_size=100`…) under /api/v3/. */
  answers: Map<string, Answer>;
  /** API paths asked, in order. */
  asked: string[];
  /** The outpost's websocket, once connected. */
  socket(): WebSocket | undefined;
  /** Websocket connections so far. */
  readonly connections: number;
  /** The outpost's websocket frames, as text, in order (HELLOs). */
  received: string[];
  /** Takes an upgrade before the outpost websocket does (RAC's relay sockets); true when it took it. */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  close(): Promise<void>;
}

/** A handler that sends `text` as the whole body, whatever it is. */
export const raw =
  (text: string, status = 200) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(text);
  };

/** A handler that promises `declared` bytes, sends the first `sent` of `text`, then cuts the connection. */
export const cutMidAnswer = (text: string, sent: number) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
  res.write(text.slice(0, sent), () => res.socket?.destroy());
};

/** Starts the stand-in on 127.0.0.1 with valid answers: one proxy provider, no certificates. */
export async function startScriptedCore(): Promise<ScriptedCore> {
  const answers = new Map<string, Answer>([
    ['outposts/instances/', page([SCRIPTED_OUTPOST])],
    ['root/config/', ROOT_CONFIG],
    ['outposts/proxy/?page=1&page_size=100', page([providerConfig()])],
  ]);
  const asked: string[] = [];
  const received: string[] = [];
  let current: WebSocket | undefined;
  let connections = 0;
  const server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/api\/v3\//, '');
    asked.push(path);
    const answer = answers.get(path);
    if (answer === undefined) return void res.writeHead(404).end('{"detail":"Not found."}');
    if (typeof answer === 'function')
      return void (answer as (q: IncomingMessage, s: ServerResponse) => void)(req, res);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const core: ScriptedCore = {
    url: '',
    answers,
    asked,
    received,
    socket: () => current,
    get connections() {
      return connections;
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  server.on('upgrade', (req, socket, head) => {
    if (core.onUpgrade?.(req, socket, head)) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections++;
      current = ws;
      ws.on('message', (data: Buffer) => {
        received.push(data.toString());
        ws.send(JSON.stringify({ instruction: 0, args: {} }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  core.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return core;
}
