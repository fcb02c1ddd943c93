/**
 * A RAC outpost for the module tests: the real runtime and RAC module against a scripted core with the
 * relay path (relay-core.ts), so init_connection arrives over a real websocket and the relay is dialed.
 */
import type { WebSocket } from 'ws';
import { startOutpost, type OutpostHandle } from '../../../src/process/main.ts';
import { racModule, type RacModuleOptions } from '../../../src/rac/module.ts';
import { recordingLog } from '../../support/log.ts';
import { page, SCRIPTED_OUTPOST, type ScriptedCore, startScriptedCore } from '../../support/scripted-core.ts';
import { relayDesk, type RelayDesk } from './relay-core.ts';

/** The token the outpost is given (and the relay path asks for). */
export const RAC_TOKEN = 'rac-outpost-token';

/** A running outpost with its stand-in core. */
export interface RacHarness {
  core: ScriptedCore;
  desk: RelayDesk;
  outpost: OutpostHandle;
  log: ReturnType<typeof recordingLog>;
  /** The active_connections of the last HELLO. */
  lastActive(): number | undefined;
  /** The outpost's /metrics text. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** Starts the stand-in core and a RAC outpost with `options`. */
export async function startRacOutpost(options: RacModuleOptions = {}): Promise<RacHarness> {
  const core = await startScriptedCore();
  core.answers.set('outposts/instances/', page([{ ...SCRIPTED_OUTPOST, type: 'rac', name: 'rac' }]));
  const desk = relayDesk(core, RAC_TOKEN);
  const log = recordingLog();
  const outpost = await startOutpost({
    env: { AUTHENTIK_HOST: core.url, AUTHENTIK_TOKEN: RAC_TOKEN },
    module: racModule(options),
    listen: false,
    log,
    reloadOffsetMs: 0,
  });
  return {
    core,
    desk,
    outpost,
    log,
    lastActive() {
      for (const frame of [...core.received].reverse()) {
        const parsed = JSON.parse(frame) as { instruction: number; args?: { active_connections?: number } };
        if (parsed.instruction === 1) return parsed.args?.active_connections;
      }
      return undefined;
    },
    async metrics() {
      return (await outpost.metrics.registry.metrics()).toString();
    },
    async close() {
      await outpost.close();
      desk.close();
      await core.close();
    },
  };
}

/** Resolves when `check` holds, or rejects naming `what` after `ms`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  for (let waited = 0; !(await check()); waited += 25) {
    if (waited > ms) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The close code and reason of `ws`, once it closes. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}
