import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ServerProcess, startServerProcess } from '../src/server-process.ts';
import { isAlive, waitFor } from '../../outpost/test/support/processes.ts';

describe('npm start on a fresh data folder', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => server?.stop());

  it('serves the initial-setup page within 10 seconds and prints its URL', async () => {
    assert.ok(
      server.readyAfterMs !== undefined && server.readyAfterMs < 10_000,
      `ready after ${server.readyAfterMs} ms`,
    );
    assert.match(server.output(), /\/if\/flow\/initial-setup\//);
    const res = await fetch(`${server.url}/if/flow/initial-setup/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<form/);
  });

  it('keeps a generated secret key in the data folder, readable by its owner only', async () => {
    const info = await stat(join(server.dataDir, 'secret_key'));
    assert.equal(info.mode & 0o777, 0o600);
  });

  it('answers readiness once migrated', async () => {
    assert.equal((await fetch(`${server.url}/-/health/ready/`)).status, 204);
  });

  it('stops cleanly on SIGTERM', async () => {
    await server.stop();
    assert.match(server.output(), /Palisade is running/);
    assert.doesNotMatch(server.output(), /"level":(50|60)/, 'no error was logged');
  });
});

describe('npm start and SIGTERM', () => {
  let server: ServerProcess;
  before(async () => {
    // This test is about stopping, not starting quickly: the start may take what the machine needs.
    server = await startServerProcess({
      dataDir: await mkdtemp(join(tmpdir(), 'palisade-npm-term-')),
      timeoutMs: 120_000,
    });
  });
  after(async () => {
    await server?.stop();
    await rm(server.dataDir, { recursive: true, force: true });
  });

  it('stops the server when only npm gets SIGTERM (npm does not pass it on)', async () => {
    const lock = join(server.dataDir, 'palisade.lock');
    const serverPid = Number((await readFile(lock, 'utf8')).trim().split(/\s/)[0]);
    assert.ok(serverPid > 0 && serverPid !== server.pid, "the server runs as npm's child");
    process.kill(server.pid, 'SIGTERM');
    const gone = await waitFor(() => !isAlive(serverPid), 20_000);
    assert.ok(gone, `the server (pid ${serverPid}) still runs after npm exited`);
    await assert.rejects(stat(lock), 'the data folder lock is released: the server closed cleanly');
  });
});
