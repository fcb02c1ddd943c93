import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { listenMetrics } from '../src/process/listeners.ts';
import { recordingLog } from './support/log.ts';
import { runOutpostBin as palisadeOutpost } from './support/outpost-bin.ts';

describe('palisade-outpost, the outpost package command', () => {
  it('shows its usage, and refuses arguments it does not know (exit 2)', async () => {
    const help = await palisadeOutpost(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: palisade-outpost\n {7}palisade-outpost healthcheck\n/);
    assert.match(help.stdout, /AUTHENTIK_TOKEN/);
    const wrong = await palisadeOutpost(['frobnicate']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^palisade-outpost: unexpected argument "frobnicate"\n/);
    assert.equal((await palisadeOutpost(['healthcheck', 'extra'])).code, 2);
  });

  it('healthcheck: exit 0 while the metrics port answers the ping, 1 when nothing does', async () => {
    const listener = await listenMetrics(new Registry(), { host: '127.0.0.1', port: 0 }, recordingLog());
    const env = { AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${listener.address.port}` };
    try {
      assert.equal((await palisadeOutpost(['healthcheck'], env)).code, 0);
    } finally {
      await listener.close(0);
    }
    const down = await palisadeOutpost(['healthcheck'], env);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /does not answer/);
  });
});
