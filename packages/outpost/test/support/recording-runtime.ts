import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext } from 'node:tls';
import { generateSelfSigned } from '@palisade/x509/self-signed';
import type {
  OutpostInfo,
  ProxyProviderConfig,
  ProxyRuntime,
  ProxyRuntimeOptions,
  TlsKeypair,
} from '../../src/proxy/types.ts';

/** One update() call as the runtime received it. */
export interface RecordedUpdate {
  outpost: OutpostInfo;
  providers: ProxyProviderConfig[];
  certificates: Map<string, TlsKeypair>;
}

let fallback: SecureContext | undefined;

/**
 * A test double of the proxy runtime (src/proxy/): it records what the process hands it (options, updates,
 * ended sessions), answers every request 200 and reports it to the metrics as the real runtime would.
 */
export class RecordingRuntime implements ProxyRuntime {
  readonly options: ProxyRuntimeOptions;
  readonly updates: RecordedUpdate[] = [];
  readonly endedSessions: string[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(options: ProxyRuntimeOptions) {
    this.options = options;
  }

  get applicationCount(): number {
    return this.updates.at(-1)?.providers.length ?? 0;
  }

  get last(): RecordedUpdate | undefined {
    return this.updates.at(-1);
  }

  update(
    outpost: OutpostInfo,
    providers: readonly ProxyProviderConfig[],
    certificates: ReadonlyMap<string, TlsKeypair>,
  ) {
    this.updates.push({ outpost, providers: [...providers], certificates: new Map(certificates) });
    this.wake();
  }

  endSession(sid: string) {
    this.endedSessions.push(sid);
    this.wake();
  }

  handleRequest(req: IncomingMessage, res: ServerResponse) {
    const started = process.hrtime.bigint();
    const answer = () => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('recording runtime\n');
      this.options.metrics.request(
        { method: req.method ?? 'GET', host: req.headers.host ?? '', type: 'app' },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    };
    // `/slow` answers after 500 ms: a request still in flight when shutdown starts.
    if (req.url === '/slow') setTimeout(answer, 500);
    else answer();
  }

  /** The process never asks: only the core's embedding does. */
  wouldHandle(): boolean {
    return false;
  }

  handleUpgrade(_req: IncomingMessage, socket: Duplex) {
    socket.destroy();
  }

  secureContextFor(): SecureContext {
    if (!fallback) {
      const pair = generateSelfSigned({ commonName: 'recording-runtime', alg: 'ecdsa', validityDays: 30 });
      fallback = createSecureContext({ cert: pair.certificatePem, key: pair.privateKeyPem });
    }
    return fallback;
  }

  private wake() {
    for (const wake of this.waiters) wake();
  }

  /** Resolves once `check()` holds (checked now and after every recorded call). */
  waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const test = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(test);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(test);
        reject(new Error(`timed out waiting for ${what}; ${this.updates.length} updates so far`));
      }, timeoutMs);
      this.waiters.add(test);
      test();
    });
  }

  /** Resolves with the first update after the `from`-th that satisfies `match`. */
  async nextUpdate(from: number, match: (u: RecordedUpdate) => boolean = () => true, timeoutMs?: number) {
    await this.waitFor(() => this.updates.slice(from).some(match), 'a matching update', timeoutMs);
    return this.updates.slice(from).find(match) as RecordedUpdate;
  }
}
