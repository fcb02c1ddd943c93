import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPalisade } from './palisade-process.ts';

const COMMANDS = [
  'server',
  'migrate',
  'user create',
  'user set-password',
  'token create',
  'outpost',
  'outpost healthcheck',
  'outpost manifest',
];

describe('palisade usage', () => {
  it('lists every command under --help and exits 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const res = await runPalisade(args);
      assert.equal(res.code, 0, args.join(' '));
      assert.match(res.stdout, /^Usage: palisade <command>/);
      for (const name of COMMANDS) assert.ok(res.stdout.includes(name), name);
    }
  });

  it('answers --help for every command and subcommand with its usage, exit 0', async () => {
    await Promise.all(
      COMMANDS.map(async (name) => {
        const res = await runPalisade([...name.split(' '), '--help']);
        assert.equal(res.code, 0, name);
        assert.match(res.stdout, new RegExp(`^Usage: palisade ${name}`), name);
        assert.equal(res.stderr, '', name);
      }),
    );
    const group = await runPalisade(['user', '--help']);
    assert.equal(group.code, 0);
    assert.match(group.stdout, /^Usage: palisade user <create\|set-password>/);
  });

  it('exits 2 with the overview when no command is given', async () => {
    const res = await runPalisade([]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /Usage: palisade <command>/);
    assert.equal(res.stdout, '');
  });

  it('exits 2 on an unknown command, an incomplete one, an unknown flag or a wrong argument count', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /palisade: unknown command "frobnicate"[\s\S]*Usage: palisade <command>/],
      [['user'], /expected one of: user create, user set-password/],
      [['user', 'delete', 'x'], /expected one of: user create, user set-password/],
      [['user', 'create', 'x', '--colour'], /Unknown option '--colour'[\s\S]*Usage: palisade user create/],
      [['server', '--port', '1'], /Unknown option '--port'/],
      [['server', 'now'], /unexpected argument "now"/],
      [['user', 'create'], /missing <username>/],
      [['user', 'create', 'a', 'b'], /unexpected argument "b"/],
      [['user', 'set-password', 'a', '--password', 'x'], /Unknown option '--password'/],
      [['token', 'create', 'x'], /--user is required/],
      [
        ['token', 'create', 'x', '--user', 'a', '--intent', 'recovery'],
        /--intent must be api or app_password/,
      ],
      [['token', 'create', 'x', '--user'], /argument missing/],
    ];
    await Promise.all(
      cases.map(async ([args, message]) => {
        const res = await runPalisade(args);
        assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
        assert.match(res.stderr, message, args.join(' '));
        assert.equal(res.stdout, '', args.join(' '));
      }),
    );
  });

  it('checks values against the API schema before touching any database, reporting every problem', async () => {
    // No data folder is set: these must fail before one would be created in the working directory.
    const user = await runPalisade(['user', 'create', 'no spaces', '--email', 'not-an-email']);
    assert.equal(user.code, 2);
    assert.match(user.stderr, /<username> must be 1 to 150 letters, digits or @ \. \+ - _/);
    assert.match(user.stderr, /--email must be an email address/);
    const token = await runPalisade(['token', 'create', 'dots.not.allowed', '--user', 'a', '--expires', '1']);
    assert.equal(token.code, 2);
    assert.match(token.stderr, /<identifier> must be 1 to 255 letters, digits, - or _/);
    assert.match(token.stderr, /--expires must be an ISO 8601 time/);
    const past = await runPalisade(['token', 'create', 'ok', '--user', 'a', '--expires', '2000-01-01']);
    assert.equal(past.code, 2);
    assert.match(past.stderr, /--expires must be in the future/);
  });

  it('prints every configuration problem and exits 2', async () => {
    for (const command of [['server'], ['migrate'], ['user', 'create', 'alice']]) {
      const res = await runPalisade(command, {
        env: { PALISADE_LISTEN__HTTP: 'nowhere', PALISADE_POSTGRESQL__PROT: '1' },
      });
      assert.equal(res.code, 2, command.join(' '));
      assert.match(res.stderr, /invalid configuration/);
      assert.match(res.stderr, /PALISADE_LISTEN__HTTP: must look like/);
      assert.match(
        res.stderr,
        /PALISADE_POSTGRESQL__PROT: unknown setting; did you mean PALISADE_POSTGRESQL__PORT\?/,
      );
    }
  });
});
