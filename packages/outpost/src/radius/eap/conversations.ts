/**
 * EAP conversations by RADIUS State (RFC 2865 §5.24): each lives while its peer keeps answering and expires
 * after EAP_IDLE_MS without a request, its TLS session destroyed, so an abandoned conversation holds no
 * memory for long; at most MAX_CONVERSATIONS at once.
 */
import { randomBytes } from 'node:crypto';
import type { Attribute } from '../packet.ts';
import type { RadiusProvider } from '../types.ts';
import type { TlsSession } from './tls-session.ts';

/** A conversation idle this long is forgotten. */
export const EAP_IDLE_MS = 30_000;
/** Conversations kept at most; a new one past that is refused until others expire. */
export const MAX_CONVERSATIONS = 10_000;

/** Where a conversation stands. */
export type Phase = 'start' | 'handshake' | 'inner-identity' | 'inner-challenge' | 'inner-success' | 'tlv';

/** One EAP conversation. */
export interface Conversation {
  /** The State value (hex) that names it. */
  readonly key: string;
  readonly provider: RadiusProvider;
  /** The outer EAP identity. */
  identity: string;
  /** The EAP method proposed or agreed (EAP-TLS 13 or PEAP 25). */
  method: number;
  phase: Phase;
  /** The EAP identifier of the last request sent: the next response must carry it. */
  lastId: number;
  tls: TlsSession | undefined;
  /** Records of the current TLS message not yet sent, and whether its first fragment went. */
  pending: Buffer;
  pendingTotal: number;
  sentFirst: boolean;
  /** Fragments of the peer's TLS message received so far. */
  incoming: Buffer[];
  incomingBytes: number;
  /** PEAP phase 2. */
  innerIdentity?: string;
  challenge?: Buffer;
  mschapId?: number;
  /** The attributes the access check granted, for the final Accept. */
  granted?: Attribute[];
  expires: number;
}

/** The conversations of one outpost. */
export class Conversations {
  private readonly byKey = new Map<string, Conversation>();
  private readonly now: () => number;
  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Starts one; undefined when the store is full of live conversations. */
  start(provider: RadiusProvider, identity: string, method: number): Conversation | undefined {
    this.sweep();
    if (this.byKey.size >= MAX_CONVERSATIONS) return undefined;
    const conversation: Conversation = {
      key: randomBytes(16).toString('hex'),
      provider,
      identity,
      method,
      phase: 'start',
      lastId: randomBytes(1)[0] as number,
      tls: undefined,
      pending: Buffer.alloc(0),
      pendingTotal: 0,
      sentFirst: false,
      incoming: [],
      incomingBytes: 0,
      expires: this.now() + EAP_IDLE_MS,
    };
    this.byKey.set(conversation.key, conversation);
    return conversation;
  }

  /** The live conversation of a State value, its expiry pushed back. */
  find(state: Buffer): Conversation | undefined {
    const conversation = this.byKey.get(state.toString('hex'));
    if (!conversation) return undefined;
    if (conversation.expires <= this.now()) {
      this.end(conversation);
      return undefined;
    }
    conversation.expires = this.now() + EAP_IDLE_MS;
    return conversation;
  }

  /** Ends one (its TLS session with it). */
  end(conversation: Conversation): void {
    conversation.tls?.destroy();
    this.byKey.delete(conversation.key);
  }

  /** Forgets the expired ones. */
  sweep(): void {
    const now = this.now();
    for (const conversation of this.byKey.values()) if (conversation.expires <= now) this.end(conversation);
  }

  /** How many are live (memory-bound checks). */
  get size(): number {
    return this.byKey.size;
  }
}
