import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Counter } from 'prom-client';
import { startOutpost } from '../src/process/main.ts';
import { availableTypes, UnknownOutpostTypeError } from '../src/process/modules.ts';
import type { OutpostModuleFactory } from '../src/process/outpost-module.ts';
import { recordingLog } from './support/log.ts';
import { runOutpostBin } from './support/outpost-bin.ts';
import { page, SCRIPTED_OUTPOST, type ScriptedCore, startScriptedCore } from './support/scripted-core.ts';

const SID = 'cd'.repeat(32);

/** A module of a made-up type, recording what the runtime asks of it. */
function recordingModule(type: string, calls: string[]): OutpostModuleFactory {
  return {
    type,
    create(ctx) {
      const loads = new Counter({ name: 'test_module_loads', help: 'loads', registers: [ctx.registry] });
      return {
        async start() {
          calls.push('start');
          return [];
        },
        async load(outpost) {
          loads.inc();
          calls.push(`load ${outpost.name}`);
          return { widgets: 2 };
        },
        apply: (outpost, config) => void calls.push(`apply ${JSON.stringify(config)}`),
        describe: () => ({ widgets: 2 }),
        endSession: (sid) => void calls.push(`end ${sid}`),
        providerSpecific: (args) => void calls.push(`specific ${JSON.stringify(args)}`),
        async stop() {
          calls.push('stop');
        },
      };
    },
  };
}

describe('outpost types', () => {
  let core: ScriptedCore;
  const env = () => ({
    AUTHENTIK_HOST: core.url,
    AUTHENTIK_TOKEN: 'scripted-token',
    AUTHENTIK_LISTEN__HTTP: '127.0.0.1:0',
    AUTHENTIK_LISTEN__HTTPS: '127.0.0.1:0',
    AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0',
  });
  before(async () => {
    core = await startScriptedCore();
  });
  after(async () => {
    await core?.close();
  });

  it('finds the types of this build from the folders of src/', () => {
    assert.deepEqual(availableTypes(), ['proxy', 'rac', 'radius']);
  });

  it('runs a module through the interface: start, load then apply, sessions, provider-specific, metrics, stop', async () => {
    core.answers.set('outposts/instances/', page([{ ...SCRIPTED_OUTPOST, type: 'widget' }]));
    const calls: string[] = [];
    const handle = await startOutpost({
      env: env(),
      module: recordingModule('widget', calls),
      listen: true,
      log: recordingLog(),
      reloadOffsetMs: 0,
    });
    try {
      assert.deepEqual(calls, ['load scripted', 'apply {"widgets":2}', 'start']);
      core.socket()?.send(JSON.stringify({ instruction: 4, args: { session_id: SID } }));
      core.socket()?.send(JSON.stringify({ instruction: 3, args: { kind: 'open', id: 7 } }));
      for (let i = 0; i < 100 && calls.length < 5; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(calls.slice(3), [`end ${SID}`, 'specific {"kind":"open","id":7}']);
      const metrics = await (
        await fetch(`http://127.0.0.1:${handle.addresses.metrics?.port}/metrics`)
      ).text();
      assert.match(metrics, /^test_module_loads 1$/m);
      assert.match(metrics, /^authentik_outpost_connection\{outpost_name="scripted",outpost_type="widget",/m);
    } finally {
      await handle.close();
    }
    assert.equal(calls.at(-1), 'stop');
  });

  it('refuses to start an outpost of a type this build has no module for, naming it', async () => {
    // A type no build will have (ldap, radius and rac each get a module).
    core.answers.set('outposts/instances/', page([{ ...SCRIPTED_OUTPOST, type: 'telnet' }]));
    await assert.rejects(
      startOutpost({ env: env(), listen: false, log: recordingLog(), reloadOffsetMs: 0 }),
      (error: Error) =>
        error instanceof UnknownOutpostTypeError &&
        error.message ===
          'this outpost is of type "telnet", which this build cannot run (it runs: proxy, rac, radius)',
    );
  });

  it('the real program says so and exits 1', async () => {
    core.answers.set('outposts/instances/', page([{ ...SCRIPTED_OUTPOST, type: 'telnet' }]));
    const { code, stderr } = await runOutpostBin([], env());
    assert.equal(code, 1);
    assert.equal(
      stderr,
      'palisade-outpost: this outpost is of type "telnet", which this build cannot run (it runs: proxy, rac, radius)\n',
    );
  });
});
