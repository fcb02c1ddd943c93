import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { Io } from '../../src/cli/command.ts';
import { readPassword } from '../../src/cli/read-password.ts';

/** A stand-in terminal: records raw mode and what was written to stderr; `type` feeds keystrokes. */
function fakeTerminal() {
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(mode: boolean) {
      stdin.isRaw = mode;
      return stdin;
    },
  });
  let stderr = '';
  const io: Io = {
    stdin,
    stdout: () => assert.fail('nothing goes to stdout'),
    stderr: (t) => (stderr += t),
    env: {},
  };
  return {
    io,
    stdin,
    stderr: () => stderr,
    /** Types each string after the previous prompt appeared. */
    async type(...inputs: string[]) {
      for (const input of inputs) {
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(stdin.isRaw, true, 'echo is off while typing');
        stdin.write(input);
      }
    },
  };
}

describe('reading a password', () => {
  it('prompts twice on a terminal without echo, and restores the terminal', async () => {
    const t = fakeTerminal();
    const read = readPassword(t.io, { prompt: true });
    await t.type('s3cret pass\r', 's3cret pass\r');
    assert.equal(await read, 's3cret pass');
    assert.equal(t.stderr(), 'Password: \nRepeat password: \n');
    assert.equal(t.stdin.isRaw, false);
  });

  it('handles backspace and Ctrl-U as a terminal would, and a paste of both lines at once', async () => {
    const t = fakeTerminal();
    const read = readPassword(t.io, { prompt: true });
    await t.type('wrong\u0015abcx\u007fd\rabcd\r');
    assert.equal(await read, 'abcd');
  });

  it('fails when the two entries differ', async () => {
    const t = fakeTerminal();
    const read = readPassword(t.io, { prompt: true });
    await t.type('one\r', 'two\r');
    await assert.rejects(read, { message: 'the passwords do not match' });
    assert.equal(t.stdin.isRaw, false);
  });

  it('stops on Ctrl-C, which raw mode no longer turns into a signal', async () => {
    const t = fakeTerminal();
    const read = readPassword(t.io, { prompt: true });
    await t.type('abc\u0003');
    await assert.rejects(read, { message: 'cancelled' });
    assert.equal(t.stdin.isRaw, false);
  });

  it('with --password-stdin reads one line on a terminal, without prompting or confirming', async () => {
    const t = fakeTerminal();
    const read = readPassword(t.io, { prompt: false });
    await t.type('quiet\n');
    assert.equal(await read, 'quiet');
    assert.equal(t.stderr(), '\n');
  });

  it('reads the first line from a pipe, and refuses an empty one', async () => {
    const pipe = new PassThrough();
    const io: Io = { stdin: pipe, stdout: () => {}, stderr: () => {}, env: {} };
    const read = readPassword(io, { prompt: true });
    pipe.end('from a pipe\r\nsecond line\n');
    assert.equal(await read, 'from a pipe');

    const empty = new PassThrough();
    const none = readPassword({ ...io, stdin: empty }, { prompt: true });
    empty.end('\n');
    await assert.rejects(none, { message: 'no password given on stdin' });
  });
});
