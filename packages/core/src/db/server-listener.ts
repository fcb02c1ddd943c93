import pg from 'pg';
import { CHANNEL_NAME } from './database.ts';

/** Delays between attempts to get a lost listening connection back: doubling from 0.5 s, capped at 30 s. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

interface Subscription {
  channel: string;
  handler: (payload: string) => void;
  onResubscribed?: () => void;
}

/**
 * LISTEN on a PostgreSQL server. A pooled connection cannot listen (the pool hands it to other queries and
 * may close it), so this keeps one dedicated client, opened at the first subscription. When that connection
 * drops (server restart, failover) it reconnects with backoff, LISTENs again and tells each subscriber, which
 * may have missed notifications in between.
 */
export function createServerListener(config: pg.ClientConfig) {
  const subscriptions = new Set<Subscription>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = RETRY_FIRST_MS;
  let closed = false;

  const channels = () => new Set([...subscriptions].map((s) => s.channel));

  function deliver(message: pg.Notification): void {
    for (const s of subscriptions) {
      if (s.channel !== message.channel) continue;
      try {
        s.handler(message.payload ?? '');
      } catch {
        // A subscriber's failure is its own to log; the other subscribers still get the message.
      }
    }
  }

  async function open(): Promise<pg.Client> {
    const next = new pg.Client(config);
    next.on('notification', deliver);
    // Both fire when the connection is lost; only the current client's loss triggers a reconnect.
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    await next.connect();
    for (const channel of channels()) await next.query(`LISTEN ${channel}`);
    return next;
  }

  function lost(which: pg.Client): void {
    if (which !== client) return;
    client = undefined;
    which.end().catch(() => {});
    scheduleRetry();
  }

  function scheduleRetry(): void {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect().then(
        () => {
          retryMs = RETRY_FIRST_MS;
          for (const s of subscriptions) s.onResubscribed?.();
        },
        () => {
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
          scheduleRetry();
        },
      );
    }, retryMs);
    retryTimer.unref();
  }

  async function connect(): Promise<pg.Client> {
    if (client) return client;
    connecting ??= open().finally(() => (connecting = undefined));
    const opened = await connecting;
    if (closed) {
      await opened.end().catch(() => {});
      throw new Error('listener closed');
    }
    client = opened;
    return opened;
  }

  return {
    /** Subscribes; see Database.listen. */
    async listen(
      channel: string,
      handler: (payload: string) => void,
      onResubscribed?: () => void,
    ): Promise<() => Promise<void>> {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name ${channel}`);
      if (closed) throw new Error('listener closed');
      const isNewChannel = !channels().has(channel);
      const subscription: Subscription = { channel, handler, onResubscribed };
      subscriptions.add(subscription);
      try {
        const listening = await connect();
        // open() LISTENed on every channel it knew of; a channel added later needs its own LISTEN.
        if (isNewChannel) await listening.query(`LISTEN ${channel}`);
      } catch (error) {
        subscriptions.delete(subscription);
        throw error;
      }
      return async () => {
        subscriptions.delete(subscription);
        if (!channels().has(channel)) await client?.query(`UNLISTEN ${channel}`).catch(() => {});
      };
    },
    /** Closes the listening connection for good. */
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retryTimer);
      subscriptions.clear();
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}
