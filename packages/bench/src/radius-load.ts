/**
 * A RADIUS load generator over UDP (loopback only): Access-Requests for a rotating list of users, PAP with a
 * Message-Authenticator, `concurrency` in flight, for a fixed time (or a fixed number of requests, to warm a
 * cache); each reply's authenticators checked.
 */
import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { ATTR, text } from '../../outpost/src/radius/attributes.ts';
import { CODE, decodePacket } from '../../outpost/src/radius/packet.ts';
import { hidePassword } from '../../outpost/src/radius/password.ts';
import { signRequest, verifyReply } from '../../outpost/src/radius/signing.ts';
import { summarize } from './stats.ts';

/** What one run measured. */
export interface RadiusLoad {
  name: string;
  accepted: number;
  /** Rejects, timeouts and replies that do not verify. */
  failed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const TIMEOUT_MS = 5000;

/** One run: where, as whom, how hard, how long. */
export interface RadiusLoadJob {
  name: string;
  port: number;
  secret: string;
  users: readonly string[];
  password: string;
  seconds: number;
  concurrency: number;
  /** Stop after this many requests (sent), whatever the time. */
  requests?: number;
}

/** Runs `job` in a worker thread (radius-load-worker.ts): the generator does not share the server's loop. */
export function driveRadiusInWorker(job: RadiusLoadJob): Promise<RadiusLoad> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./radius-load-worker.ts', import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`RADIUS load worker exited with ${code}`));
    });
  });
}

/** Drives `port` on 127.0.0.1 with `users` (all with `password`) for `seconds`. */
export async function driveRadius(options: RadiusLoadJob): Promise<RadiusLoad> {
  const secret = Buffer.from(options.secret);
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const pending = new Map<number, (reply: Buffer | undefined) => void>();
  socket.on('message', (data) => pending.get(data[1] as number)?.(data));
  const free = Array.from({ length: 256 }, (_, i) => i);
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  let next = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();

  async function one(): Promise<void> {
    const identifier = free.pop() as number;
    const user = options.users[next++ % options.users.length] as string;
    const authenticator = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256)));
    const request = signRequest(
      {
        code: CODE.AccessRequest,
        identifier,
        authenticator,
        attributes: [
          text(ATTR.UserName, user),
          {
            type: ATTR.UserPassword,
            value: hidePassword(Buffer.from(options.password), secret, authenticator),
          },
        ],
      },
      secret,
    );
    const t0 = performance.now();
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), TIMEOUT_MS);
      pending.set(identifier, (data) => {
        clearTimeout(timer);
        resolve(data);
      });
      socket.send(request, options.port, '127.0.0.1');
    });
    pending.delete(identifier);
    free.push(identifier);
    latencies.push(performance.now() - t0);
    const ok =
      reply &&
      verifyReply(reply, authenticator, secret, false) &&
      decodePacket(reply).code === CODE.AccessAccept;
    if (ok) accepted += 1;
    else failed += 1;
  }

  const limit = options.requests ?? Number.POSITIVE_INFINITY;
  const loop = async () => {
    while (performance.now() < deadline && next < limit) await one();
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  socket.close();
  const stats = summarize(latencies);
  return {
    name: options.name,
    accepted,
    failed,
    seconds,
    perSecond: accepted / seconds,
    p50Ms: stats.p50,
    p99Ms: stats.p99,
  };
}
