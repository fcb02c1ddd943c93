import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const LAUNCHER = join(import.meta.dirname, '..', '..', 'bin', 'palisade.js');
const run = promisify(execFile);

/** Debian's Node.js (20 on Debian 12), the one a `node` on a plain system PATH is. */
const SYSTEM_NODE = '/usr/bin/node';
const systemMajor = existsSync(SYSTEM_NODE)
  ? Number((await run(SYSTEM_NODE, ['-p', 'process.versions.node'])).stdout.split('.')[0])
  : undefined;

describe('bin/palisade.js on any Node.js', () => {
  it('runs the command on the Node.js the install brings', async () => {
    const { stdout } = await run(process.execPath, [LAUNCHER, '--help']);
    assert.match(stdout, /^Usage: palisade <command>/);
  });

  it(
    'says which Node.js is needed and how to run the bundled one, on an older one',
    {
      skip:
        systemMajor === undefined
          ? `no ${SYSTEM_NODE} on this machine`
          : systemMajor >= 24
            ? `${SYSTEM_NODE} is Node.js ${systemMajor}, not an older one`
            : false,
    },
    async () => {
      const failed = await run(SYSTEM_NODE, [LAUNCHER, '--help']).then(
        () => assert.fail('an old Node.js ran the command'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /^palisade: Node\.js 24\.7 or later is needed; this is Node\.js 20\./);
      assert.match(failed.stderr, /npx palisade <command>/);
      assert.match(failed.stderr, /node_modules\/\.bin\/node packages\/core\/bin\/palisade\.ts/);
      assert.doesNotMatch(failed.stderr, /ERR_UNKNOWN_FILE_EXTENSION/);
    },
  );
});
