import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import {
  sshClientKey,
  sshdUnavailable,
  startSshd,
} from '../../../core/test/integrations/docker/support/remote.ts';
import { closed, eventually, type RacHarness, startRacOutpost } from './support/rac-outpost.ts';

/** Sends a terminal message as the page does. */
const type = (ws: WebSocket, data: string) => ws.send(JSON.stringify({ type: 'input', data }));

describe('RAC outpost, SSH against a real sshd', { skip: sshdUnavailable() }, () => {
  let dir: string;
  let key: string;
  let sshd: { port: number; stop(): void };
  let rac: RacHarness;
  const target = (extra: Record<string, string> = {}) => ({
    protocol: 'ssh',
    params: {
      hostname: '127.0.0.1',
      port: String(sshd.port),
      username: 'root',
      'private-key': key,
      ...extra,
    },
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rac-ssh-'));
    const client = await sshClientKey(dir);
    key = client.key;
    sshd = await startSshd(dir, client.publicKey, join(dir, 'no-docker.sock'));
    rac = await startRacOutpost();
  });
  after(async () => {
    await rac?.close();
    sshd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs in with the private key and runs what the browser types in a PTY of the size it asks', async () => {
    rac.desk.init('ssh-shell', target());
    const relay = await rac.desk.next();
    const output: Buffer[] = [];
    const frames: Array<[Buffer, boolean]> = [];
    relay.ws.on('message', (data: Buffer, isBinary) => {
      frames.push([data, isBinary]);
      if (frames.length > 1) {
        assert.ok(isBinary, 'terminal output goes as binary frames');
        output.push(data);
      }
    });
    // Bash drops what is typed before its prompt (as it would for a person typing ahead of it).
    await eventually('the hello', () => frames.length > 0);
    assert.deepEqual(JSON.parse(String(frames[0]?.[0])), { type: 'hello', protocol: 'ssh' });
    await eventually('the prompt', () => /# $/.test(Buffer.concat(output).toString()));
    relay.ws.send(JSON.stringify({ type: 'resize', cols: 101, rows: 37 }));
    const made = join(dir, 'made-by-the-browser');
    type(relay.ws, `stty size > ${made}; echo done-$((6*7))\r`);
    await eventually('the command ran', () => existsSync(made) && readFileSync(made, 'utf8').endsWith('\n'));
    assert.equal((await readFile(made, 'utf8')).trim(), '37 101');
    await eventually('its output reached the browser', () => Buffer.concat(output).includes('done-42'));
    assert.ok(!Buffer.concat(output).includes('PRIVATE KEY'), 'the key never goes towards the browser');
    assert.equal(rac.lastActive(), 1);

    const gone = closed(relay.ws);
    type(relay.ws, 'exit\r');
    assert.deepEqual(await gone, { code: 4000, reason: 'connection ended' });
    await eventually('HELLO reports no connection', () => rac.lastActive() === 0);
  });

  it('closes with "authentication failed" for a key sshd does not know', async () => {
    const other = await sshClientKey(await mkdtemp(join(dir, 'other-')));
    rac.desk.init('ssh-wrong-key', target({ 'private-key': other.key }));
    const relay = await rac.desk.next();
    assert.deepEqual(await closed(relay.ws), { code: 4000, reason: 'authentication failed' });
  });

  it('closes with a reason for a private key that cannot be read, without quoting it', async () => {
    rac.desk.init('ssh-bad-key', target({ 'private-key': 'not a key at all' }));
    const relay = await rac.desk.next();
    assert.deepEqual(await closed(relay.ws), {
      code: 4000,
      reason: 'the endpoint has a private key that cannot be read',
    });
    assert.doesNotMatch(rac.log.text(), /not a key at all/);
  });

  it('closes a browser that sends a malformed terminal message, with a logged reason', async () => {
    rac.desk.init('ssh-malformed', target());
    const relay = await rac.desk.next();
    const why = closed(relay.ws);
    relay.ws.send('{"type":"input","data":');
    assert.deepEqual(await why, { code: 4000, reason: 'the browser sent a malformed terminal message' });
    assert.match(rac.log.text(), /"channel":"ssh-malformed".*"reason":"browser_protocol_error"/);
  });
});
