/**
 * One LDAP connection: bytes in, whole messages cut by the framer, each answered in order (operations.ts).
 * A stream that is not LDAP gets a Notice of Disconnection (protocolError) and is closed; nothing thrown
 * while answering escapes into the socket's handlers, so one bad client never affects another.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { BoundUser } from './bind.ts';
import { BerError } from './ber.ts';
import { MessageFramer } from './framing.ts';
import type { ConnectionHost, TrackedConnection } from './host.ts';
import { decodeMessage } from './messages.ts';
import { answer } from './operations.ts';
import { PagedSearches } from './paged-results.ts';
import { noticeOfDisconnection } from './responses.ts';
import { RESULT } from './result-codes.ts';

/** A connection's state, as operations.ts reads and changes it. */
export interface ConnectionState {
  readonly host: ConnectionHost;
  readonly clientIp: string;
  user: BoundUser | undefined;
  readonly isTls: boolean;
  readonly paged: PagedSearches;
  send(bytes: Buffer): void;
  /** Whether StartTLS may run now (no other request waiting, no bytes after it). */
  canStartTls(): boolean;
  /** Switches to TLS after the StartTLS response was written. */
  startTls(): void;
  close(reason: string): void;
}

/** Serves `socket` until it closes. `clientIp` is the peer (after PROXY protocol). */
export class LdapConnection implements TrackedConnection, ConnectionState {
  readonly host: ConnectionHost;
  readonly clientIp: string;
  readonly paged = new PagedSearches();
  user: BoundUser | undefined;
  isTls: boolean;
  private socket: Socket;
  private readonly framer: MessageFramer;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  private partialTimer: NodeJS.Timeout | undefined;

  constructor(
    host: ConnectionHost,
    socket: Socket,
    options: { clientIp: string; isTls: boolean; head?: Buffer },
  ) {
    this.host = host;
    this.socket = socket;
    this.clientIp = options.clientIp;
    this.isTls = options.isTls;
    this.framer = new MessageFramer(host.limits.maxMessageBytes);
    host.track(this);
    this.attach(socket);
    if (options.head && options.head.length > 0) this.receive(options.head);
  }

  private attach(socket: Socket): void {
    // A search answers with several small writes: without this, Nagle's algorithm and the client's delayed
    // ACK hold each answer back about 40 ms.
    socket.setNoDelay(true);
    socket.setTimeout(this.host.limits.idleMs, () => this.close('idle'));
    socket.on('data', this.onData);
    socket.on('error', (error) => this.host.log.debug({ err: error.message }, 'LDAP connection error'));
    socket.on('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  private readonly onClose = () => this.finish();

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch (error) {
      this.refuse((error as Error).message);
      return;
    }
    this.watchPartial();
    this.queue.push(...messages);
    if (this.queue.length > this.host.limits.maxQueued) {
      this.refuse(`more than ${this.host.limits.maxQueued} requests waiting`, RESULT.busy);
      return;
    }
    void this.drain();
  }

  /** Starts (or stops) the clock on bytes that are not yet a whole message. */
  private watchPartial(): void {
    if (this.framer.pending === 0) {
      clearTimeout(this.partialTimer);
      this.partialTimer = undefined;
    } else if (!this.partialTimer) {
      this.partialTimer = setTimeout(
        () => this.close('incomplete message'),
        this.host.limits.partialMessageMs,
      );
      this.partialTimer.unref();
    }
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const bytes = this.queue.shift() as Buffer;
        let message;
        try {
          message = decodeMessage(bytes);
        } catch (error) {
          this.refuse(error instanceof BerError ? error.message : 'malformed message');
          return;
        }
        try {
          await answer(this, message);
        } catch (error) {
          // operations.ts answers every failure itself; reaching here is a bug, still not a crash.
          this.host.log.error({ err: (error as Error).message }, 'LDAP request failed');
          this.refuse('internal error', RESULT.operationsError);
          return;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Sends a Notice of Disconnection and closes (RFC 4511 §4.4.1). */
  private refuse(reason: string, code: number = RESULT.protocolError): void {
    this.host.log.debug({ reason, client: this.clientIp }, 'LDAP connection refused');
    this.send(noticeOfDisconnection(code, code === RESULT.protocolError ? 'protocol error' : 'closing'));
    this.close(reason);
  }

  send(bytes: Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(bytes);
  }

  canStartTls(): boolean {
    return !this.isTls && this.queue.length === 0 && this.framer.pending === 0;
  }

  startTls(): void {
    const raw = this.socket;
    raw.off('data', this.onData);
    raw.off('close', this.onClose);
    raw.setTimeout(0);
    const tls = new TLSSocket(raw, {
      isServer: true,
      secureContext: this.host.secureContextFor(''),
      SNICallback: (servername, callback) => {
        try {
          callback(null, this.host.secureContextFor(servername));
        } catch (error) {
          callback(error as Error);
        }
      },
    });
    this.socket = tls;
    this.isTls = true;
    this.attach(tls);
  }

  sessionEnded(): void {
    // The session is already gone in the core: running the unbind flow for it would only cost a request.
    this.user = undefined;
    this.close('session ended');
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.host.log.debug({ reason, client: this.clientIp }, 'LDAP connection closed');
    this.socket.end();
    // A peer that does not read its answers does not keep the socket open.
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.finish();
  }

  private finished = false;
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.closed = true;
    clearTimeout(this.partialTimer);
    this.host.untrack(this);
    if (this.user) void this.host.release(this.user, this.clientIp);
    this.user = undefined;
  }
}
