import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openEmbeddedDatabase } from '../../src/db/embedded.ts';
import { verifyPassword } from '../../src/identity/passwords.ts';
import { findPasswordHash, findUserByUsername } from '../../src/identity/users-repository.ts';
import { runPalisade, type ServerChild, startPalisadeServer } from './palisade-process.ts';

describe('palisade commands while `palisade server` runs on the embedded database', () => {
  let dataDir: string;
  let server: ServerChild;
  const bootstrapToken = randomBytes(24).toString('hex');
  let api: Record<string, string>;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'palisade-cli-server-'));
    server = await startPalisadeServer({
      PALISADE_DATA_DIR: dataDir,
      PALISADE_BOOTSTRAP_TOKEN: bootstrapToken,
    });
    api = { PALISADE_DATA_DIR: dataDir, PALISADE_URL: server.url, PALISADE_TOKEN: bootstrapToken };
  });
  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function whoAmI(key: string): Promise<{ username: string; is_superuser: boolean } | undefined> {
    const res = await fetch(`${server.url}/api/v3/core/users/me/`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return res.ok
      ? ((await res.json()) as { user: { username: string; is_superuser: boolean } }).user
      : undefined;
  }

  it('holds the data folder: the lock file names the server process', async () => {
    const lock = await readFile(join(dataDir, 'palisade.lock'), 'utf8');
    assert.equal(lock.split('\n')[0], String(server.pid));
  });

  it('refuses to open the embedded database beside it, saying what to do', async () => {
    const cases: Array<[string[], string]> = [
      [['user', 'create', 'bob'], 'user create'],
      [['migrate'], 'migrate'],
    ];
    for (const [args, command] of cases) {
      const res = await runPalisade(args, { env: { PALISADE_DATA_DIR: dataDir } });
      assert.equal(res.code, 1, command);
      assert.equal(
        res.stderr,
        `palisade ${command}: the embedded database in ${dataDir} is in use by process ${server.pid} ` +
          '(is `palisade server` running? set PALISADE_URL and PALISADE_TOKEN to use its API)\n',
      );
    }
  });

  it('falls back to the database when PALISADE_URL does not answer (and so meets the lock)', async () => {
    const res = await runPalisade(['user', 'create', 'carol'], {
      env: { ...api, PALISADE_URL: 'http://127.0.0.1:9' },
    });
    assert.match(res.stderr, /^http:\/\/127\.0\.0\.1:9 does not answer; working on the database directly$/m);
    assert.match(res.stderr, /is in use by process/);
    assert.equal(res.code, 1);
  });

  it('creates a user, sets its password and issues a token through the API', async () => {
    const created = await runPalisade(
      ['user', 'create', 'bob', '--superuser', '--email', 'bob@example.com'],
      {
        env: api,
      },
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(
      created.stdout.trim().replace(/pk \d+/, 'pk N'),
      `created user bob (pk N) in the server at ${server.url}`,
    );

    const duplicate = await runPalisade(['user', 'create', 'bob'], { env: api });
    assert.equal(duplicate.code, 1);
    assert.match(
      duplicate.stderr,
      /the server refused \(400\): username: A user with that username already exists/,
    );

    const set = await runPalisade(['user', 'set-password', 'bob'], { env: api, stdin: 'bob-password-123\n' });
    assert.equal(set.code, 0, set.stderr);
    assert.ok(!set.stdout.includes('bob-password-123') && !set.stderr.includes('bob-password-123'));

    const token = await runPalisade(['token', 'create', 'bob-api', '--user', 'bob', '--description', 'ci'], {
      env: api,
    });
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^\S{16,}\n$/);
    // The key works on the server, and --superuser put bob in the admin group: it is a superuser's token.
    const me = await whoAmI(token.stdout.trim());
    assert.equal(me?.username, 'bob');
    assert.equal(me?.is_superuser, true);

    const again = await runPalisade(['token', 'create', 'bob-api', '--user', 'bob'], { env: api });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /the server refused \(400\): identifier: /);
    const nobody = await runPalisade(['token', 'create', 'x', '--user', 'nobody'], { env: api });
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /no user named nobody/);
  });

  it('reports a token the server refuses, with what the token must be', async () => {
    const res = await runPalisade(['user', 'create', 'dave'], {
      env: { ...api, PALISADE_TOKEN: 'not-a-token-at-all' },
    });
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      /the server refused \(40[13]\): .*PALISADE_TOKEN must be an api token of a superuser/,
    );
  });

  it('stops gracefully on SIGTERM: exit 0, lock released, then direct mode works again', async () => {
    assert.equal(await server.stop(), 0, server.output());
    assert.equal(existsSync(join(dataDir, 'palisade.lock')), false);
    const res = await runPalisade(['user', 'create', 'erin'], { env: { PALISADE_DATA_DIR: dataDir } });
    assert.equal(res.code, 0, res.stderr);
    // What the API stored is what the command read from stdin.
    const db = await openEmbeddedDatabase(dataDir);
    try {
      const bob = await findUserByUsername(db, 'bob');
      assert.ok(bob);
      assert.equal(bob.email, 'bob@example.com');
      const hash = (await findPasswordHash(db, bob.id)) ?? null;
      assert.equal((await verifyPassword(hash, 'bob-password-123')).ok, true);
    } finally {
      await db.close();
    }
  });
});
