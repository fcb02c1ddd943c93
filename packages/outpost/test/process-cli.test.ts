import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { main } from '@palisade/core/cli/main';
import { listenMetrics } from '../src/process/listeners.ts';
import { recordingLog } from './support/log.ts';

/** Runs `palisade <args>` in this process with `env`; answers the exit code and what it wrote. */
async function palisade(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: process.stdin,
    env,
  });
  return { code, stdout, stderr };
}

describe('palisade outpost', () => {
  it('reports every problem of the environment at once, exit 2, without the token', async () => {
    const res = await palisade(['outpost'], { AUTHENTIK_INSECURE: 'yes', AUTHENTIK_LISTEN__HTTP: 'nope' });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^palisade outpost: invalid outpost environment:\n/);
    for (const problem of [
      'AUTHENTIK_HOST is required',
      'AUTHENTIK_TOKEN is required',
      'AUTHENTIK_INSECURE must be true or false',
      'AUTHENTIK_LISTEN__HTTP must be host:port',
    ]) {
      assert.ok(res.stderr.includes(problem), problem);
    }
    const bad = await palisade(['outpost'], { AUTHENTIK_HOST: 'x', AUTHENTIK_TOKEN: 'the secret token' });
    assert.equal(bad.code, 2);
    assert.ok(!bad.stderr.includes('the secret token'));
  });

  it('shows its usage, and keeps `outpost manifest` and `outpost healthcheck` apart', async () => {
    const help = await palisade(['outpost', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: palisade outpost\n/);
    assert.match(help.stdout, /AUTHENTIK_TOKEN/);
    assert.match(
      (await palisade(['outpost', 'manifest', '--help'])).stdout,
      /^Usage: palisade outpost manifest/,
    );
    assert.match(
      (await palisade(['outpost', 'healthcheck', '--help'])).stdout,
      /^Usage: palisade outpost healthcheck/,
    );
    const overview = await palisade(['--help']);
    for (const name of ['outpost ', 'outpost healthcheck', 'outpost manifest'])
      assert.ok(overview.stdout.includes(name));
    assert.equal((await palisade(['outpost', 'frobnicate'])).code, 2);
  });

  it('healthcheck: exit 0 while the metrics port answers the ping, 1 when nothing does', async () => {
    const listener = await listenMetrics(new Registry(), { host: '127.0.0.1', port: 0 }, recordingLog());
    const env = { AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${listener.address.port}` };
    try {
      assert.equal((await palisade(['outpost', 'healthcheck'], env)).code, 0);
    } finally {
      await listener.close(0);
    }
    const down = await palisade(['outpost', 'healthcheck'], env);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /does not answer/);
  });
});
