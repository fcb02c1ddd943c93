import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runOutpostBin } from './support/outpost-bin.ts';
import { type ScriptedCore, startScriptedCore } from './support/scripted-core.ts';

/** A port that was free a moment ago (bound and released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `palisade outpost` (the core's alias of the same program) with only `env`. */
async function runCoreAlias(env: Record<string, string>) {
  const bin = join(import.meta.dirname, '..', '..', 'core', 'bin', 'palisade.ts');
  const child = spawn(process.execPath, [bin, 'outpost'], { env: { PATH: process.env.PATH ?? '', ...env } });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.resume();
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stderr };
}

describe('an outpost whose listener cannot bind', () => {
  let core: ScriptedCore;
  let busy: Server;
  let busyPort: number;
  before(async () => {
    core = await startScriptedCore();
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    await core.close();
  });

  const env = async (taken: 'http' | 'metrics') => {
    const [http, https, metrics] = [await freePort(), await freePort(), await freePort()];
    return {
      AUTHENTIK_HOST: core.url,
      AUTHENTIK_TOKEN: 'scripted-token',
      AUTHENTIK_LISTEN__HTTP: `127.0.0.1:${taken === 'http' ? busyPort : http}`,
      AUTHENTIK_LISTEN__HTTPS: `127.0.0.1:${https}`,
      AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${taken === 'metrics' ? busyPort : metrics}`,
    };
  };

  it('stops with exit 1 and one line naming the listener, the address and the setting', async () => {
    const settings = await env('http');
    const res = await runOutpostBin([], settings);
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      new RegExp(
        `^palisade-outpost: the http listener cannot listen on 127\\.0\\.0\\.1:${busyPort}: the address is already in use \\(another process holds the port\\); free it or set AUTHENTIK_LISTEN__HTTP\\n$`,
      ),
    );
    // Nothing is left answering the health check: the metrics port it opened is closed again.
    const health = await runOutpostBin(['healthcheck'], {
      AUTHENTIK_LISTEN__METRICS: settings.AUTHENTIK_LISTEN__METRICS,
    });
    assert.equal(health.code, 1);
  });

  it('does the same for the metrics port, and through `palisade outpost`', async () => {
    const res = await runCoreAlias(await env('metrics'));
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      /the metrics listener cannot listen on 127\.0\.0\.1:\d+: the address is already in use/,
    );
    assert.match(res.stderr, /AUTHENTIK_LISTEN__METRICS/);
  });
});
