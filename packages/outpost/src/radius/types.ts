/** The shapes the RADIUS type's parts share. */
import type { Network } from './networks.ts';
import type { Attribute, Packet } from './packet.ts';

/** A RADIUS provider as the server uses it (from the core's RadiusOutpostConfig). */
export interface RadiusProvider {
  pk: number;
  name: string;
  appSlug: string;
  flowSlug: string;
  /** The shared secret (never logged). */
  secret: Buffer;
  mfaSupport: boolean;
  networks: Network[];
  /** The EAP server certificate's keypair uuid, if any. */
  certificate: string | null;
  /** Seconds a repeated PAP request may be answered from a cached Accept (auth-cache.ts); 0 is off. */
  authCacheSeconds: number;
}

/** A request that passed the transport checks, and whom it came from. */
export interface RadiusRequest {
  packet: Packet;
  raw: Buffer;
  provider: RadiusProvider;
  /** The NAS: the UDP source address (IPv4-mapped addresses as IPv4) and port. */
  address: string;
  port: number;
}

/** What a handler answers: a reply's code and attributes, or nothing (a drop). */
export interface HandlerReply {
  code: number;
  attributes: Attribute[];
}

/** Turns a request into a reply; never throws (a failure is a Reject or a drop). */
export type RequestHandler = (request: RadiusRequest) => Promise<HandlerReply | undefined>;
