/**
 * Where a protocol plugs into the RAC outpost. An adapter connects and authenticates to the target before
 * the relay socket is dialed (a refused target is told to the browser as the relay's close reason), then
 * talks to the browser through the relay. VNC and SSH have adapters; RDP would plug in here (it needs an
 * RDP stack this platform cannot run: docs/rac.md), and meanwhile is refused as unsupported.
 */
import type { RacInitConnection } from '@palisade/schema/rac-relay';
import type { Logger } from '../process/logger.ts';
import type { OutputSink } from './output-pump.ts';
import type { RacError } from './rac-error.ts';

/** Limits of every connection (defaults in module.ts; tests make them small). */
export interface RacLimits {
  /** Target → browser bytes a second before the target is paused. */
  outputBytesPerSecond: number;
  /** Browser key and pointer events (VNC) or terminal input bytes (SSH) a second before the connection closes. */
  inputPerSecond: number;
  /** How long the target may take to accept and authenticate, and the browser to finish its handshake. */
  handshakeMs: number;
}

/** What an adapter is handed for one connection. */
export interface AdapterContext {
  init: RacInitConnection;
  limits: RacLimits;
  log: Logger;
  /** The target ended (no error) or failed after `attach`: the connection ends with it. */
  ended(error?: RacError): void;
  /** Bytes forwarded, by direction. */
  counted(direction: 'to_browser' | 'to_target', bytes: number): void;
  /** The target was paused for sending faster than `outputBytesPerSecond`. */
  throttled(): void;
}

/** A connected, authenticated target, waiting for the browser. */
export interface TargetSession {
  /** The relay socket is open: start the browser's side of the protocol. */
  attach(relay: OutputSink): void;
  /** A frame from the browser (never the core's disconnect frame); throws a RacError on bad input. */
  receive(data: Buffer, isBinary: boolean): void;
  /** Closes the target connection; idempotent. */
  close(): void;
}

/** One protocol. */
export interface ProtocolAdapter {
  /** Connects and authenticates to the target of `ctx.init`; rejects with a RacError. */
  connect(ctx: AdapterContext): Promise<TargetSession>;
}

/** The target's host and port from the params (`hostname`, `port`; spec §3.4), or a bad_params RacError. */
export function targetAddress(
  params: Readonly<Record<string, string>>,
  defaultPort: number,
  fail: (message: string) => RacError,
): { host: string; port: number } {
  const host = params.hostname ?? '';
  if (host === '' || host.length > 253) throw fail('the endpoint has no host');
  const port = params.port === undefined || params.port === '' ? defaultPort : Number(params.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw fail('the endpoint has an invalid port');
  return { host, port };
}
