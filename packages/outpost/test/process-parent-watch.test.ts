import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isAlive, waitFor } from './support/processes.ts';

const WATCH = join(import.meta.dirname, '..', 'src', 'process', 'parent-watch.ts');

describe('stopping with the npm that started the program', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-parent-watch-'));
    // The program: watches its parent, and on SIGTERM (its graceful stop) writes a mark and exits.
    await writeFile(
      join(dir, 'child.ts'),
      `import { writeFileSync } from 'node:fs';
import { stopWithNpm } from ${JSON.stringify(WATCH)};
process.on('SIGTERM', () => { writeFileSync(process.argv[2], 'stopped'); process.exit(0); });
stopWithNpm(process.env);
console.log('watching');
setInterval(() => {}, 1000);
`,
    );
    // npm's stand-in: starts the program, says its pid, and exits without passing anything on once the
    // program watches it (exiting before would make the program's first parent already the adopting one).
    await writeFile(
      join(dir, 'parent.ts'),
      `import { spawn } from 'node:child_process';
const child = spawn(process.execPath, [process.argv[2], process.argv[3]], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
console.log(child.pid);
child.stdout.once('data', () => process.exit(0));
`,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Runs the stand-in npm with `env`; answers the program's pid and where its mark goes. */
  async function run(env: Record<string, string>): Promise<{ pid: number; mark: string }> {
    const mark = join(dir, `mark-${Math.random().toString(36).slice(2)}`);
    const parent = spawn(process.execPath, [join(dir, 'parent.ts'), join(dir, 'child.ts'), mark], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let out = '';
    parent.stdout.on('data', (chunk) => (out += chunk));
    await new Promise((resolve) => parent.once('exit', resolve));
    return { pid: Number(out.trim()), mark };
  }

  it('stops gracefully (its own SIGTERM handler) once npm has exited', async () => {
    const { pid, mark } = await run({ npm_lifecycle_event: 'start' });
    assert.ok(pid > 0);
    assert.ok(await waitFor(() => !isAlive(pid), 10_000), 'the program still runs after npm exited');
    assert.equal(await readFile(mark, 'utf8'), 'stopped');
  });

  it('keeps running when npm did not start it (a supervisor may re-parent it on purpose)', async () => {
    const { pid } = await run({});
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(isAlive(pid), true);
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
