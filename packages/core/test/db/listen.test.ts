import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Database, notify } from '../../src/db/database.ts';
import { testBackends } from '../support/databases.ts';

/** Collects what a channel delivers, and waits for a count. */
function inbox() {
  const received: string[] = [];
  const waiters = new Set<() => void>();
  return {
    received,
    handler: (payload: string) => {
      received.push(payload);
      for (const wake of waiters) wake();
    },
    async until(n: number, timeoutMs = 5000): Promise<void> {
      if (received.length >= n) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${JSON.stringify(received)}`)), timeoutMs);
        const wake = () => {
          if (received.length < n) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
      });
    },
  };
}

for (const backend of testBackends()) {
  describe(`LISTEN/NOTIFY on ${backend.name}`, () => {
    let db: Database;
    before(async () => {
      db = await backend.open();
    });
    after(() => db.close());

    it('delivers notifications, those of a transaction only on commit, until unsubscribed', async () => {
      const box = inbox();
      const stop = await db.listen('test_channel', box.handler);
      await notify(db, 'test_channel', 'one');
      await box.until(1);
      await assert.rejects(
        db.transaction(async (tx) => {
          await notify(tx, 'test_channel', 'rolled back');
          throw new Error('abort');
        }),
        /abort/,
      );
      await db.transaction((tx) => notify(tx, 'test_channel', 'committed'));
      await box.until(2);
      await stop();
      await notify(db, 'test_channel', 'after stop');
      // A round trip on another channel: had 'after stop' been delivered, it would have been by then.
      const probe = inbox();
      const stopProbe = await db.listen('probe_channel', probe.handler);
      await notify(db, 'probe_channel', 'probe');
      await probe.until(1);
      await stopProbe();
      assert.deepEqual(box.received, ['one', 'committed']);
    });

    it('refuses channel names that are not lowercase identifiers', async () => {
      await assert.rejects(
        db.listen('Bad-Name', () => {}),
        /invalid channel name/,
      );
      await assert.rejects(notify(db, 'x; DROP', ''), /invalid channel name/);
    });

    if (backend.name === 'postgres') {
      it('comes back after the listening connection is killed, and says so', async () => {
        const box = inbox();
        let resubscribed = 0;
        const stop = await db.listen('test_channel', box.handler, () => resubscribed++);
        const killed = await db.query<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`,
        );
        assert.ok(killed.length >= 1 && killed.every((k) => k.ok));
        const deadline = Date.now() + 10_000;
        while (resubscribed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.equal(resubscribed, 1);
        await notify(db, 'test_channel', 'after reconnect');
        await box.until(1);
        await stop();
      });
    }
  });
}
