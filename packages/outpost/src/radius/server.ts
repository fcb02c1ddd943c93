/**
 * The UDP side of the RADIUS type (ldap-radius-rac.md §2.1): per datagram, the provider by the longest
 * matching prefix of the source address, strict decoding, the Message-Authenticator verified when present
 * (required with EAP, RFC 3579 §3.2), duplicates answered from the reply cache, then the handler; every
 * reply signed per RFC 3579. Anything that fails a check is dropped without an answer (no reply to
 * forgeries or garbage); an unknown network is logged once per source a minute.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../process/env.ts';
import type { Listener } from '../process/listeners.ts';
import type { Logger } from '../process/logger.ts';
import { ATTR } from './attributes.ts';
import { ReplyCache } from './duplicates.ts';
import type { RadiusMetrics } from './metrics.ts';
import { addressBytes, longestMatch } from './networks.ts';
import { CODE, decodePacket, MAX_PACKET, PacketError } from './packet.ts';
import { signReply, verifyRequestAuthenticator } from './signing.ts';
import type { Throttle } from './throttle.ts';
import type { RadiusProvider, RequestHandler } from './types.ts';

/** How often an unknown source is logged at most. */
const UNKNOWN_LOG_INTERVAL_MS = 60_000;
/** Sources remembered for that; past this the map starts over (a bound, not a precise count). */
const MAX_UNKNOWN_SOURCES = 10_000;

/** The socket's receive buffer asked for. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** Sends a datagram back to the NAS. */
export type Send = (data: Buffer, port: number, address: string) => void;

/** The server, independent of its socket (tests feed it datagrams). */
export interface RadiusServer {
  /** Swaps the providers in, whole. */
  update(providers: RadiusProvider[]): void;
  /** Handles one datagram from `address`:`port`; resolves once answered or dropped. */
  receive(data: Buffer, address: string, port: number, send: Send): Promise<void>;
  /** Opens the UDP socket. */
  listen(at: ListenAddress): Promise<Listener>;
  /** How many replies are cached (memory bound checks). */
  readonly cachedReplies: number;
}

/** Builds the server over `handle`. */
export function createRadiusServer(options: {
  handle: RequestHandler;
  metrics: RadiusMetrics;
  throttle: Throttle;
  log: Logger;
  now?: () => number;
}): RadiusServer {
  const { metrics, log, throttle } = options;
  const now = options.now ?? Date.now;
  const replies = new ReplyCache(undefined, now);
  const unknownLogged = new Map<string, number>();
  let providers: RadiusProvider[] = [];

  function logUnknown(address: string): void {
    const at = now();
    if ((unknownLogged.get(address) ?? 0) > at) return;
    if (unknownLogged.size >= MAX_UNKNOWN_SOURCES) unknownLogged.clear();
    unknownLogged.set(address, at + UNKNOWN_LOG_INTERVAL_MS);
    log.warn({ client: address }, 'No matching prefixes found');
  }

  // Checks and answers one datagram; undefined is a drop.
  async function answer(data: Buffer, address: string, port: number): Promise<Buffer | undefined> {
    const found = longestMatch(providers, address);
    if (!found) {
      logUnknown(address);
      metrics.dropped('unknown_network');
      return undefined;
    }
    const provider = found.match;
    let packet;
    try {
      packet = decodePacket(data);
    } catch (error) {
      const reason = error instanceof PacketError ? error.reason : 'length_mismatch';
      log.debug({ client: address, reason, err: (error as Error).message }, 'malformed packet dropped');
      metrics.dropped(reason);
      return undefined;
    }
    if (packet.code !== CODE.AccessRequest) {
      metrics.dropped('not_access_request');
      return undefined;
    }
    const verified = verifyRequestAuthenticator(data, provider.secret);
    if (verified === false) {
      log.warn({ client: address, provider: provider.name }, 'Invalid message authenticator');
      metrics.dropped('invalid_message_authenticator');
      return undefined;
    }
    // RFC 3579 §3.2: an Access-Request with EAP-Message and no Message-Authenticator is discarded.
    if (verified === undefined && packet.attributes.some((a) => a.type === ATTR.EapMessage)) {
      metrics.dropped('missing_message_authenticator');
      return undefined;
    }
    const key = ReplyCache.key(address, port, packet.identifier, packet.authenticator);
    const earlier = replies.get(key);
    if (earlier) return earlier;
    if (!throttle.enter(address)) {
      metrics.dropped('busy');
      return undefined;
    }
    const pending = (async () => {
      try {
        log.debug(
          { client: address, provider: provider.name, identifier: packet.identifier },
          'Radius Request',
        );
        const reply = await options.handle({ packet, raw: data, provider, address, port });
        if (!reply) return undefined;
        // RFC 2865 §5.33: Proxy-State goes back unmodified, in order.
        const proxyState = packet.attributes.filter((a) => a.type === ATTR.ProxyState);
        return signReply(
          {
            code: reply.code,
            identifier: packet.identifier,
            attributes: [...reply.attributes, ...proxyState],
          },
          packet.authenticator,
          provider.secret,
        );
      } catch (error) {
        // A handler never throws by contract; if one does, the NAS gets a Reject, never an Accept.
        log.error({ client: address, err: (error as Error).message }, 'RADIUS handler failed');
        return signReply(
          { code: CODE.AccessReject, identifier: packet.identifier, attributes: [] },
          packet.authenticator,
          provider.secret,
        );
      } finally {
        throttle.leave(address);
      }
    })();
    replies.set(key, pending);
    return pending;
  }

  const server: RadiusServer = {
    update(next) {
      providers = next;
    },
    async receive(data, rawAddress, port, send) {
      const address = normalise(rawAddress);
      if (data.length > MAX_PACKET) {
        metrics.dropped('too_long');
        return;
      }
      const reply = await answer(data, address, port);
      if (reply) send(reply, port, rawAddress);
    },
    listen(at) {
      const socket = dgram.createSocket({ type: at.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
      socket.on('message', (data, rinfo) => {
        void server.receive(data, rinfo.address, rinfo.port, (reply, port, address) =>
          socket.send(reply, port, address),
        );
      });
      return new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(at.port, at.host, () => {
          socket.off('error', reject);
          // Room for bursts (many NASes after an outage); the kernel caps it at net.core.rmem_max.
          socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
          socket.on('error', (error) =>
            log.error({ err: error.message, listener: 'radius' }, 'listener error'),
          );
          const address = socket.address() as AddressInfo;
          log.info({ listener: 'radius', address: `${address.address}:${address.port}` }, 'listening');
          resolve({
            name: 'radius',
            address,
            close: () => new Promise<void>((done) => socket.close(() => done())),
          });
        });
      });
    },
    get cachedReplies() {
      return replies.size;
    },
  };
  return server;
}

/** An IPv4-mapped IPv6 source (a dual-stack socket) as its IPv4 address. */
function normalise(address: string): string {
  const bytes = addressBytes(address);
  return bytes?.length === 4 ? bytes.join('.') : address;
}
