import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type OutpostHandle, startOutpost } from '../src/process/main.ts';
import { MAX_FRAME_BYTES } from '../src/process/websocket.ts';
import { providerConfig } from './support/configs.ts';
import { recordingLog } from './support/log.ts';
import { RecordingRuntime } from './support/recording-runtime.ts';
import {
  cutMidAnswer,
  page,
  raw,
  SCRIPTED_OUTPOST,
  type ScriptedCore,
  startScriptedCore,
} from './support/scripted-core.ts';

const PROVIDERS = 'outposts/proxy/?page=1&page_size=100';

const until = async (check: () => boolean, what: string) => {
  for (const start = Date.now(); !check(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`);
  }
};

// Every case: the core answers something an outpost must not use. The outpost logs one line naming why,
// applies nothing of it (no update, not even the log level), and keeps serving the last configuration.
describe('an outpost whose core answers garbage', () => {
  let core: ScriptedCore;
  let handle: OutpostHandle;
  let runtime: RecordingRuntime;
  const log = recordingLog();
  const levels: string[] = [];

  before(async () => {
    core = await startScriptedCore();
    handle = await startOutpost({
      env: {
        AUTHENTIK_HOST: core.url,
        AUTHENTIK_TOKEN: 'scripted-token',
        AUTHENTIK_LISTEN__HTTP: '127.0.0.1:0',
        AUTHENTIK_LISTEN__HTTPS: '127.0.0.1:0',
        AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0',
      },
      createRuntime: (options) => (runtime = new RecordingRuntime(options)),
      listen: true,
      log,
      setLogLevel: (level) => levels.push(level),
      reloadOffsetMs: 0,
    });
  });
  after(async () => {
    await handle?.close();
    await core?.close();
  });
  beforeEach(() => {
    core.answers.set('outposts/instances/', page([SCRIPTED_OUTPOST]));
    core.answers.set(PROVIDERS, page([providerConfig()]));
  });

  /** Refreshes against the scripted answers; asserts nothing was applied and answers the error lines. */
  async function rejectedRefresh() {
    const updates = runtime.updates.length;
    const levelsBefore = levels.length;
    const from = log.lines.length;
    assert.equal(await handle.refresh('test'), false);
    assert.equal(runtime.updates.length, updates, 'nothing applied');
    assert.equal(levels.length, levelsBefore, 'not even the log level');
    const errors = log.lines.slice(from).filter((l) => l.level === 'error');
    assert.equal(errors.length, 1, 'logged once');
    const serving = await fetch(`http://127.0.0.1:${handle.addresses.http?.port}/`);
    assert.equal(serving.status, 200, 'still serving');
    return errors[0]?.fields ?? {};
  }

  it('started with the valid answers', () => {
    assert.equal(runtime.updates.length, 1);
    assert.deepEqual(levels, ['info']);
    assert.equal(runtime.last?.providers[0]?.name, 'Example provider');
  });

  it('refuses a provider page with a field that does not fit, naming the field', async () => {
    core.answers.set(PROVIDERS, page([providerConfig({ mode: 'sideways' as 'proxy' })]));
    const fields = await rejectedRefresh();
    assert.equal(fields.field, '/results/0/mode');
    assert.match(String(fields.err), /^GET \/api\/v3\/outposts\/proxy\/: \/results\/0\/mode /);
  });

  it('refuses a provider without a required field, and never quotes a secret of it', async () => {
    const { client_secret: _dropped, ...partial } = providerConfig({ cookie_secret: 'do-not-log-this' });
    core.answers.set(PROVIDERS, page([partial]));
    const fields = await rejectedRefresh();
    assert.equal(fields.field, '/results/0/client_secret');
    assert.ok(!log.text().includes('do-not-log-this'));
  });

  it('refuses an outpost answer that does not fit, before asking for providers', async () => {
    core.answers.set('outposts/instances/', page([{ ...SCRIPTED_OUTPOST, refresh_interval_s: 'soon' }]));
    const asked = core.asked.length;
    const fields = await rejectedRefresh();
    assert.equal(fields.field, '/results/0/refresh_interval_s');
    assert.ok(!core.asked.slice(asked).includes(PROVIDERS));
  });

  it('refuses a truncated JSON body', async () => {
    core.answers.set(PROVIDERS, raw(JSON.stringify(page([providerConfig()])).slice(0, 200)));
    const fields = await rejectedRefresh();
    assert.match(String(fields.err), /is not JSON \(truncated or garbled/);
    assert.ok(!String(fields.err).includes('example-secret'), 'no part of the body in the log');
  });

  it('refuses an answer cut mid-way by the core', async () => {
    core.answers.set(PROVIDERS, cutMidAnswer(JSON.stringify(page([providerConfig()])), 100));
    const fields = await rejectedRefresh();
    assert.match(String(fields.err), /GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/outposts\/proxy\/: /);
  });

  it('applies nothing when a later page fails: no half-applied list', async () => {
    core.answers.set(PROVIDERS, page([providerConfig({ pk: 1 })], 2));
    core.answers.set(
      'outposts/proxy/?page=2&page_size=100',
      page([providerConfig({ pk: 2, external_host: 42 as unknown as string })]),
    );
    const fields = await rejectedRefresh();
    assert.equal(fields.field, '/results/0/external_host');
    core.answers.delete('outposts/proxy/?page=2&page_size=100');
  });

  it('refuses an answer of 10 MB without reading past its limit', async () => {
    const padding = 'x'.repeat(10 * 1024 * 1024);
    core.answers.set(PROVIDERS, page([providerConfig({ skip_path_regex: padding })]));
    const fields = await rejectedRefresh();
    assert.match(String(fields.err), /answer larger than 8388608 bytes$/);
  });

  it('applies the next good answer after rejected ones', async () => {
    core.answers.set(PROVIDERS, page([providerConfig({ name: 'After garbage' })]));
    assert.equal(await handle.refresh('test'), true);
    assert.equal(runtime.last?.providers[0]?.name, 'After garbage');
  });

  it('logs a websocket frame that is not JSON, or of an unknown instruction, and keeps the connection', async () => {
    const connections = core.connections;
    const from = log.lines.length;
    core.socket()?.send('{"instruction": 2, "args": {');
    core.socket()?.send(JSON.stringify({ instruction: 77, args: {} }));
    core.socket()?.send(JSON.stringify({ instruction: 'TRIGGER_UPDATE' }));
    core.socket()?.send(JSON.stringify({ instruction: 4, args: { session_id: '../../etc' } }));
    await until(() => log.lines.slice(from).filter((l) => l.level === 'warn').length >= 4, 'four warnings');
    const reasons = log.lines
      .slice(from)
      .filter((l) => l.msg === 'ignored a websocket frame from the core')
      .map((l) => String(l.fields.reason));
    assert.equal(reasons.length, 4);
    assert.match(reasons[0] ?? '', /is not JSON/);
    assert.equal(reasons[1], 'unknown instruction');
    assert.match(reasons[2] ?? '', /^frame: \/instruction /);
    assert.match(reasons[3] ?? '', /^SESSION_END args: \/session_id /);
    assert.deepEqual(runtime.endedSessions, []);
    assert.equal(handle.websocket.connected, true);
    assert.equal(core.connections, connections);
  });

  it('drops a 10 MB frame with its reason, reconnects, and keeps serving', async () => {
    const connections = core.connections;
    const from = log.lines.length;
    const updates = runtime.updates.length;
    const huge = JSON.stringify({ instruction: 2, args: { padding: 'x'.repeat(10 * 1024 * 1024) } });
    assert.ok(huge.length > MAX_FRAME_BYTES);
    core.socket()?.send(huge);
    await until(() => core.connections > connections && handle.websocket.connected, 'the reconnect');
    const error = log.lines.slice(from).find((l) => l.msg === 'core websocket error');
    assert.match(String(error?.fields.err), /max payload size exceeded/i);
    const serving = await fetch(`http://127.0.0.1:${handle.addresses.http?.port}/`);
    assert.equal(serving.status, 200);
    // The reconnect refreshes (updates may have been missed), never the oversized frame's trigger.
    await until(() => runtime.updates.length === updates + 1, 'the refresh after reconnecting');
    assert.ok(!log.lines.slice(from).some((l) => l.level === 'error'), log.text());
  });
});
