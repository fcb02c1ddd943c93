import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServerTestDatabaseUrl, POSTGRES_SKIP_REASON } from '../../core/test/support/databases.ts';
import { type OutpostHandle, startOutpost } from '../src/process/main.ts';
import { realTimers, type Timers } from '../src/process/timers.ts';
import { createOutpost, createProxyApp, startTestCore, type TestCore } from './support/core.ts';
import { recordingLog } from './support/log.ts';
import { RecordingRuntime } from './support/recording-runtime.ts';

const adminUrl = process.env.PALISADE_TEST_POSTGRESQL_URL;
/** Waits run 20 times faster than asked, so the backoff's doubling is watched in real time. */
const SPEED_UP = 20;

const until = async (check: () => boolean, what: string, timeoutMs = 15_000) => {
  for (const start = Date.now(); !check(); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
};

// A core stopped and started again on the same port and database: the outpost rides it out. A second core
// process on the same data needs a PostgreSQL server (PGlite's memory database dies with its core).
describe('the outpost while its core restarts', { skip: POSTGRES_SKIP_REASON }, () => {
  let database: { url: string; drop(): Promise<void> };
  let core: TestCore | undefined;
  let runtime: RecordingRuntime;
  let handle: OutpostHandle;
  let outpost: { uuid: string; token: string };
  const log = recordingLog();
  /** Every wait the process asked for, in ms as asked. */
  const waits: number[] = [];
  const timers: Timers = {
    ...realTimers,
    setTimeout(fn, ms) {
      waits.push(ms);
      return realTimers.setTimeout(fn, ms / SPEED_UP);
    },
  };

  before(async () => {
    database = await createServerTestDatabaseUrl(adminUrl ?? '');
    core = await startTestCore({ databaseUrl: database.url });
    const provider = await createProxyApp(core, 'restart');
    outpost = await createOutpost(core, 'restarting', [provider]);
    handle = await startOutpost({
      env: { AUTHENTIK_HOST: core.url, AUTHENTIK_TOKEN: outpost.token },
      createRuntime: (options) => (runtime = new RecordingRuntime(options)),
      listen: false,
      log,
      timers,
      reloadOffsetMs: 0,
    });
  });
  after(async () => {
    await handle?.close();
    await core?.close();
    await database?.drop();
  });

  it('reconnects with a doubling backoff and refreshes once the core is back', async () => {
    assert.equal(handle.websocket.connected, true);
    const port = core?.port ?? 0;
    const served = runtime.last;
    const from = waits.length;
    await core?.close();
    core = undefined;
    await until(() => !handle.websocket.connected, 'the disconnect');
    assert.equal(await handle.refresh('while away'), false);
    assert.equal(runtime.last, served, 'the last configuration stays');

    await until(() => waits.slice(from).includes(8000), 'four failed reconnects');
    const backoff = waits.slice(from).filter((ms) => ms >= 1000 && ms < 300_000 && ms !== 3000);
    assert.deepEqual(backoff.slice(0, 4), [1000, 2000, 4000, 8000]);

    const attemptsBefore = handle.websocket.attempts;
    const updates = runtime.updates.length;
    core = await startTestCore({ port, databaseUrl: database.url });
    await until(() => handle.websocket.connected, 'the reconnect', 30_000);
    assert.ok(handle.websocket.attempts > attemptsBefore);
    // Updates may have been missed while away: a reconnect fetches the configuration again.
    await runtime.nextUpdate(updates);
    assert.ok(
      log.lines.some((l) => l.msg === 'configuration refreshed' && l.fields.reason === 'reconnected'),
    );

    // The backoff starts over after a successful connection.
    const next = waits.length;
    await core.close();
    core = await startTestCore({ port, databaseUrl: database.url });
    await until(() => handle.websocket.connected, 'the second reconnect', 30_000);
    assert.equal(
      waits.slice(next).find((ms) => ms >= 1000 && ms !== 3000),
      1000,
    );
  });
});
