import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../src/db/data-dir-lock.ts';

const hasProc = existsSync('/proc/self/stat');

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
}

function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] as string;
}

describe('the data folder lock', () => {
  let dir: string;
  let lockPath: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-lock-'));
    lockPath = join(dir, LOCK_FILE);
  });

  it('holds our pid while taken, refuses a second taker, and is gone once released', async () => {
    const release = await lockDataDir(dir);
    assert.equal((await readFile(lockPath, 'utf8')).split('\n')[0], String(process.pid));
    await assert.rejects(lockDataDir(dir), (error: unknown) => {
      assert.ok(error instanceof DataDirInUseError);
      assert.equal(error.pid, process.pid);
      assert.equal(
        error.message,
        `the embedded database in ${dir} is in use by process ${process.pid} (is \`palisade server\` running? ` +
          'set PALISADE_URL and PALISADE_TOKEN to use its API)',
      );
      return true;
    });
    release();
    release(); // twice is harmless
    assert.equal(existsSync(lockPath), false);
    (await lockDataDir(dir))();
    await rm(dir, { recursive: true });
  });

  it('takes over a lock whose process is gone, or whose content is not a pid', async () => {
    for (const content of [`${deadPid()}\n`, '', 'garbage\n']) {
      await writeFile(lockPath, content);
      const release = await lockDataDir(dir);
      assert.equal((await readFile(lockPath, 'utf8')).split('\n')[0], String(process.pid), content);
      release();
    }
    await rm(dir, { recursive: true });
  });

  it('takes over a lock naming our own pid that this process does not hold (pid 1 in a restarted container)', async () => {
    await writeFile(lockPath, `${process.pid}\n`);
    const release = await lockDataDir(dir);
    release();
    assert.equal(existsSync(lockPath), false);
    await rm(dir, { recursive: true });
  });

  describe('with a live owner', () => {
    let owner: ReturnType<typeof spawn>;
    before(async () => {
      owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
      await new Promise((resolve) => owner.once('spawn', resolve));
    });
    after(() => owner.kill());

    it('refuses while the owner lives', async () => {
      await writeFile(lockPath, `${owner.pid}\n`);
      await assert.rejects(lockDataDir(dir), { name: 'DataDirInUseError', pid: owner.pid });
      if (hasProc) {
        await writeFile(lockPath, `${owner.pid}\nstart=${startTimeOf(owner.pid as number)}\n`);
        await assert.rejects(lockDataDir(dir), { name: 'DataDirInUseError' });
      }
      assert.equal((await readFile(lockPath, 'utf8')).split('\n')[0], String(owner.pid), 'left as it was');
      await rm(dir, { recursive: true });
    });

    it(
      'takes over when the live process with that pid started after the lock was taken (a reused pid)',
      { skip: !hasProc && 'needs /proc' },
      async () => {
        await writeFile(lockPath, `${owner.pid}\nstart=1\n`);
        const release = await lockDataDir(dir);
        assert.equal((await readFile(lockPath, 'utf8')).split('\n')[0], String(process.pid));
        release();
        await rm(dir, { recursive: true });
      },
    );
  });

  it('lets exactly one of many processes take over the same stale lock', async () => {
    await writeFile(lockPath, `${deadPid()}\n`);
    const moduleUrl = new URL('../../src/db/data-dir-lock.ts', import.meta.url).href;
    // Each contender tries once; a winner holds the lock until every contender has answered (its stdin is
    // closed then), so no contender, however late the machine starts it, can find the lock released.
    const script = `
      const { lockDataDir } = await import(${JSON.stringify(moduleUrl)});
      try { await lockDataDir(process.argv[1]); process.stdout.write('won'); process.stdin.resume(); await new Promise((r) => process.stdin.once('end', r)); }
      catch (error) { process.stdout.write(error.name); }`;
    const children = Array.from({ length: 8 }, () =>
      spawn(process.execPath, ['--input-type=module', '-e', script, dir], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const closed = children.map((child) => new Promise((resolve) => child.once('close', resolve)));
    const answers = children.map(
      (child, i) =>
        new Promise<string>((resolve) => {
          let out = '';
          child.stdout.on('data', (chunk) => {
            out += chunk;
            resolve(out);
          });
          void closed[i]?.then(() => resolve(out));
        }),
    );
    const results = await Promise.all(answers);
    for (const child of children) child.stdin.end();
    await Promise.all(closed);
    assert.equal(results.filter((r) => r === 'won').length, 1, results.join(','));
    assert.equal(results.filter((r) => r === 'DataDirInUseError').length, 7, results.join(','));
    await rm(dir, { recursive: true });
  });
});
