/**
 * A TLS server session over EAP: Node's TLSSocket runs over a Duplex that the EAP layer feeds with the
 * records the peer sent and drains of the records to send back (EAP-TLS, RFC 5216; PEAP's outer tunnel).
 * TLS 1.2 at most: EAP-TLS 1.3 (RFC 9190) ends differently, and PEAP peers rarely speak it.
 */
import { Duplex } from 'node:stream';
import { type SecureContext, TLSSocket } from 'node:tls';

/** How many event-loop turns a feed waits, at most, for the TLS layer to answer. */
const MAX_TURNS = 200;

/** Waits until `changes()` stops changing for a few turns (TLSSocket works over several ticks). */
async function settle(changes: () => number): Promise<void> {
  let last = changes();
  let still = 0;
  for (let turn = 0; turn < MAX_TURNS && still < 3; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = changes();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

/** One TLS server session. */
export class TlsSession {
  private readonly outgoing: Buffer[] = [];
  private readonly plaintext: Buffer[] = [];
  private readonly duplex: Duplex;
  private readonly socket: TLSSocket;
  private events = 0;
  /** The handshake finished. */
  established = false;
  /** What failed, if anything did (the conversation then ends in a Reject). */
  error: Error | undefined;

  constructor(context: SecureContext, requestCert: boolean) {
    const outgoing = this.outgoing;
    const bump = () => void (this.events += 1);
    this.duplex = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        outgoing.push(Buffer.from(chunk));
        bump();
        callback();
      },
    });
    this.socket = new TLSSocket(this.duplex, {
      isServer: true,
      secureContext: context,
      requestCert,
      // The certificate is checked by the caller (client-certificate.ts), with a clear reason.
      rejectUnauthorized: false,
    });
    this.socket.on('secure', () => {
      this.established = true;
      bump();
    });
    this.socket.on('data', (data: Buffer) => {
      this.plaintext.push(data);
      bump();
    });
    this.socket.on('error', (error: Error) => {
      this.error = error;
      bump();
    });
  }

  /** Hands the TLS layer the records the peer sent, and waits for it to answer. */
  async feed(records: Buffer): Promise<void> {
    this.duplex.push(records);
    await settle(() => this.events);
  }

  /** Sends `data` through the tunnel (PEAP phase 2), and waits for the records. */
  async send(data: Buffer): Promise<void> {
    this.socket.write(data);
    await settle(() => this.events);
  }

  /** The records to send the peer, taken. */
  takeRecords(): Buffer {
    return Buffer.concat(this.outgoing.splice(0));
  }

  /** The plaintext the peer sent through the tunnel, taken. */
  takePlaintext(): Buffer {
    return Buffer.concat(this.plaintext.splice(0));
  }

  /** The peer's certificate (DER), if it sent one (client-certificate.ts decides whether to trust it). */
  peerCertificate(): Buffer | undefined {
    const certificate = this.socket.getPeerCertificate();
    return certificate && 'raw' in certificate ? certificate.raw : undefined;
  }

  /** Keying material (RFC 5705) for `label`: the MSK of EAP-TLS and PEAPv0 is 64 of "client EAP encryption". */
  keyingMaterial(length: number, label: string): Buffer {
    // No context argument: RFC 5705 without a context value, as RFC 5216 §2.3 derives the MSK.
    return this.socket.exportKeyingMaterial(length, label, undefined as unknown as Buffer);
  }

  /** Ends the session. */
  destroy(): void {
    this.socket.destroy();
    this.duplex.destroy();
  }
}
