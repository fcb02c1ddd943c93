import { OutpostInstruction } from '@palisade/schema/outpost-websocket';
import { OutpostFrame, OutpostSessionEnd } from '@palisade/schema/outpost-reads';
import WebSocket from 'ws';
import { compileChecker, CoreAnswerError, parseJson } from './checked.ts';
import type { Logger } from './logger.ts';
import { realTimers, type Timers } from './timers.ts';

/** HELLO every 10 s (the core counts an instance live for 15 s after its last message). */
export const HELLO_INTERVAL_MS = 10_000;
/** Reconnect delays: 1 s, doubling, at most 5 min (spec §1.5). */
export const BACKOFF = { initialMs: 1000, maxMs: 300_000 } as const;
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** HELLOs the core left unanswered (it ACKs each) before the connection is taken for dead. */
const MAX_UNANSWERED_HELLOS = 3;
/** The core's frames are small; a bigger one is not the core (ws closes the connection with 1009). */
export const MAX_FRAME_BYTES = 1024 * 1024;

const checkFrame = compileChecker(OutpostFrame);
const checkSessionEnd = compileChecker(OutpostSessionEnd);

/** What the socket needs. */
export interface CoreSocketOptions {
  host: URL;
  token: string;
  insecure: boolean;
  userAgent: string;
  outpostPk: string;
  instanceUuid: string;
  /** The HELLO args, read at each send. */
  hello: () => Record<string, unknown>;
  /** TRIGGER_UPDATE arrived and the reload offset passed: fetch the configuration again. */
  onTriggerUpdate: () => void;
  /** SESSION_END: the core session whose key digest is `sid` ended. */
  onSessionEnd: (sid: string) => void;
  /** PROVIDER_SPECIFIC: a type-specific instruction, for the module. */
  onProviderSpecific?: (args: Record<string, unknown>) => void;
  /** Connected again after a disconnect: updates may have been missed meanwhile. */
  onReconnected: () => void;
  onConnectionChange: (connected: boolean) => void;
  log: Logger;
  /** Wait after TRIGGER_UPDATE, so replicas don't all hit the core at once (spec §1.3: 0–9 s). */
  reloadOffsetMs: number;
  timers?: Timers;
  helloIntervalMs?: number;
}

/** The outpost's websocket to the core, reconnecting with backoff until closed. */
export interface CoreSocket {
  readonly connected: boolean;
  /** Connection attempts so far (the `attempt` of the next URL is one more). */
  readonly attempts: number;
  /**
   * Settles at the core's first ACK. The core replays the SESSION_ENDs of recently ended sessions before it
   * answers an instance's first HELLO, so from then on this instance's deny list is as complete as its peers'.
   */
  readonly synced: Promise<void>;
  /** Sends a HELLO now, when connected (it counts towards the unanswered ones, as the periodic one). */
  hello(): void;
  /** Closes with 1000 (normal closure) and stops reconnecting. */
  close(): Promise<void>;
}

/** `ws(s)://<host path>ws/outpost/<pk>/?<host query>&instance_uuid=<uuid>&attempt=<n>` (spec §1.5). */
export function outpostSocketUrl(host: URL, outpostPk: string, instanceUuid: string, attempt: number): URL {
  const url = new URL(`ws/outpost/${encodeURIComponent(outpostPk)}/`, host);
  url.protocol = host.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = host.search;
  url.searchParams.set('instance_uuid', instanceUuid);
  url.searchParams.set('attempt', String(attempt));
  return url;
}

/** Connects (now) and keeps the websocket up: HELLO on connect and every 10 s, instructions dispatched. */
export function connectCoreSocket(options: CoreSocketOptions): CoreSocket {
  const timers = options.timers ?? realTimers;
  const helloEvery = options.helloIntervalMs ?? HELLO_INTERVAL_MS;
  const log = options.log;
  let socket: WebSocket | undefined;
  let connected = false;
  let everConnected = false;
  let closing = false;
  let attempts = 0;
  let backoff: number = BACKOFF.initialMs;
  let unanswered = 0;
  let helloTimer: unknown;
  let reconnectTimer: unknown;
  let triggerTimer: unknown;
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => (markSynced = resolve));

  const send = (instruction: number, args: Record<string, unknown>) =>
    socket?.send(JSON.stringify({ instruction, args }), (error) => {
      if (error) socket?.terminate();
    });

  function sayHello() {
    if (unanswered >= MAX_UNANSWERED_HELLOS) {
      log.warn({ unanswered }, 'the core stopped answering on the websocket; reconnecting');
      socket?.terminate();
      return;
    }
    unanswered++;
    send(OutpostInstruction.HELLO, options.hello());
  }

  /** A frame that is not used, logged once with why. */
  const ignore = (reason: string, detail: Record<string, unknown> = {}) =>
    log.warn({ reason, ...detail }, 'ignored a websocket frame from the core');

  function onMessage(data: WebSocket.RawData, isBinary: boolean) {
    unanswered = 0;
    if (isBinary) return ignore('binary frame');
    let message: ReturnType<typeof checkFrame>;
    try {
      message = checkFrame(parseJson(data.toString(), 'frame'), 'frame');
    } catch (error) {
      return ignore((error as Error).message);
    }
    const args = message.args ?? {};
    switch (message.instruction) {
      case OutpostInstruction.ACK:
        return markSynced();
      case OutpostInstruction.TRIGGER_UPDATE:
        // Several triggers within the offset make one refresh.
        if (triggerTimer !== undefined) return;
        triggerTimer = timers.setTimeout(() => {
          triggerTimer = undefined;
          options.onTriggerUpdate();
        }, options.reloadOffsetMs);
        return;
      case OutpostInstruction.SESSION_END: {
        try {
          options.onSessionEnd(checkSessionEnd(args, 'SESSION_END args').session_id);
        } catch (error) {
          if (!(error instanceof CoreAnswerError)) throw error;
          ignore(error.message, { instruction: message.instruction });
        }
        return;
      }
      case OutpostInstruction.PROVIDER_SPECIFIC:
        return options.onProviderSpecific?.(args);
      default:
        ignore('unknown instruction', { instruction: message.instruction });
    }
  }

  function connect() {
    reconnectTimer = undefined;
    attempts++;
    const url = outpostSocketUrl(options.host, options.outpostPk, options.instanceUuid, attempts);
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${options.token}`, 'user-agent': options.userAgent },
      rejectUnauthorized: !options.insecure,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      maxPayload: MAX_FRAME_BYTES,
    });
    socket = ws;
    ws.on('open', () => {
      connected = true;
      backoff = BACKOFF.initialMs;
      unanswered = 0;
      log.info({ attempt: attempts }, 'connected to the core websocket');
      options.onConnectionChange(true);
      sayHello();
      helloTimer = timers.setInterval(sayHello, helloEvery);
      if (everConnected) options.onReconnected();
      everConnected = true;
    });
    ws.on('message', onMessage);
    // 'close' follows every 'error'; the reconnect is scheduled there.
    // A frame over MAX_FRAME_BYTES is one of these (code WS_ERR_UNSUPPORTED_MESSAGE_LENGTH, close 1009).
    ws.on('error', (error) =>
      log.warn({ err: error.message, code: (error as NodeJS.ErrnoException).code }, 'core websocket error'),
    );
    ws.on('close', (code) => {
      if (socket !== ws) return;
      socket = undefined;
      timers.clearInterval(helloTimer);
      if (connected) {
        connected = false;
        options.onConnectionChange(false);
      }
      if (closing) return;
      const delay = backoff;
      backoff = Math.min(backoff * 2, BACKOFF.maxMs);
      log.warn({ code, retry_in_ms: delay }, 'core websocket disconnected; reconnecting');
      reconnectTimer = timers.setTimeout(connect, delay);
    });
  }

  connect();
  return {
    get connected() {
      return connected;
    },
    get attempts() {
      return attempts;
    },
    synced,
    hello() {
      if (connected) sayHello();
    },
    async close() {
      closing = true;
      timers.clearTimeout(reconnectTimer);
      timers.clearTimeout(triggerTimer);
      timers.clearInterval(helloTimer);
      const ws = socket;
      if (!ws || ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'outpost shutting down');
      // A core that does not answer the close frame gets the connection cut.
      const cut = timers.setTimeout(() => ws.terminate(), 2000);
      await closed;
      timers.clearTimeout(cut);
    },
  };
}
