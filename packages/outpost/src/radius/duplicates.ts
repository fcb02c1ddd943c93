/**
 * Duplicate detection (RFC 5080 §2.2.2): a retransmission (same source address and port, identifier and
 * Request Authenticator) within a few seconds gets the reply already sent, and one still being worked out
 * waits for it, so the flow never runs twice for one request.
 */

/** How long a reply is kept for retransmissions. */
export const DUPLICATE_WINDOW_MS = 5_000;
/** Entries kept at most; past that the oldest go first. */
const MAX_ENTRIES = 50_000;

/** Replies by request, bounded in time and count. */
export class ReplyCache {
  private readonly entries = new Map<string, { reply: Promise<Buffer | undefined>; until: number }>();
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(windowMs = DUPLICATE_WINDOW_MS, now: () => number = Date.now) {
    this.windowMs = windowMs;
    this.now = now;
  }

  /** The key of a request. */
  static key(address: string, port: number, identifier: number, authenticator: Buffer): string {
    return `${address}|${port}|${identifier}|${authenticator.toString('hex')}`;
  }

  /** The reply (or pending reply) of an earlier copy of this request, if one is still kept. */
  get(key: string): Promise<Buffer | undefined> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.reply;
  }

  /** Keeps `reply` (undefined: the request was dropped, and its copies are dropped too). */
  set(key: string, reply: Promise<Buffer | undefined>): void {
    const now = this.now();
    if (this.entries.size >= MAX_ENTRIES) {
      for (const [k, entry] of this.entries) {
        if (entry.until > now && this.entries.size < MAX_ENTRIES) break;
        this.entries.delete(k);
      }
    }
    this.entries.set(key, { reply, until: now + this.windowMs });
  }

  /** How many are kept (for the memory-bound tests). */
  get size(): number {
    return this.entries.size;
  }
}
