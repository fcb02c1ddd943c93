import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runPalisade } from '../src/cli-process.ts';
import { type ServerProcess, startServerProcess } from '../src/server-process.ts';

async function meWithToken(url: string, key: string): Promise<string | undefined> {
  const res = await fetch(`${url}/api/v3/core/users/me/`, { headers: { authorization: `Bearer ${key}` } });
  return res.ok ? ((await res.json()) as { user: { username: string } }).user.username : undefined;
}

describe('palisade command line', () => {
  it('explains itself: --help everywhere, usage errors exit 2', async () => {
    const top = await runPalisade(['--help']);
    assert.equal(top.code, 0);
    for (const name of ['server', 'migrate', 'user create', 'user set-password', 'token create']) {
      assert.ok(top.stdout.includes(name), name);
      const help = await runPalisade([...name.split(' '), '--help']);
      assert.equal(help.code, 0, name);
      assert.match(help.stdout, new RegExp(`^Usage: palisade ${name}`), name);
    }
    const none = await runPalisade([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: palisade <command>/);
    const unknown = await runPalisade(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const partial = await runPalisade(['user']);
    assert.equal(partial.code, 2);
    assert.match(partial.stderr, /expected one of: user create, user set-password/);
    const badFlag = await runPalisade(['user', 'create', 'x', '--colour']);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /Unknown option '--colour'/);
    const missing = await runPalisade(['token', 'create', 'x']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--user is required/);
  });

  it('reports every configuration problem and exits 2', async () => {
    const res = await runPalisade(['migrate'], {
      env: { PALISADE_LISTEN__HTTP: 'nowhere', PALISADE_POSTGRESQL__PROT: '1' },
    });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /PALISADE_LISTEN__HTTP: must look like/);
    assert.match(
      res.stderr,
      /PALISADE_POSTGRESQL__PROT: unknown setting; did you mean PALISADE_POSTGRESQL__PORT\?/,
    );
  });

  describe('on the database, with no server running', () => {
    let dataDir: string;
    let env: Record<string, string>;
    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'palisade-cli-'));
      env = { PALISADE_DATA_DIR: dataDir };
    });
    after(() => rm(dataDir, { recursive: true, force: true }));

    it('migrates, then reports the database up to date', async () => {
      const first = await runPalisade(['migrate'], { env });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /applied 1_identity/);
      const check = await runPalisade(['migrate', '--check'], { env });
      assert.equal(check.code, 0);
      assert.match(check.stdout, /up to date/);
    });

    it('creates a user, sets its password from stdin and issues a token that the server accepts', async () => {
      const created = await runPalisade(['user', 'create', 'alice', '--email', 'alice@example.com'], { env });
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /created user alice \(pk \d+\) in the embedded database/);
      const again = await runPalisade(['user', 'create', 'alice'], { env });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /user alice already exists/);

      const set = await runPalisade(['user', 'set-password', 'alice'], { env, stdin: 'alice-password-1\n' });
      assert.equal(set.code, 0, set.stderr);
      assert.ok(!set.stdout.includes('alice-password-1') && !set.stderr.includes('alice-password-1'));
      const nobody = await runPalisade(['user', 'set-password', 'nobody'], { env, stdin: 'x\n' });
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /no user named nobody/);

      const token = await runPalisade(['token', 'create', 'alice-cli', '--user', 'alice'], { env });
      assert.equal(token.code, 0, token.stderr);
      const key = token.stdout.trim();
      assert.match(key, /^[\w-]{32,}$/);

      const server = await startServerProcess({ dataDir });
      try {
        assert.equal(await meWithToken(server.url, key), 'alice');
      } finally {
        await server.stop();
      }
    });

    it('takes over a lock left by a process that no longer exists', async () => {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      await writeFile(join(dataDir, 'palisade.lock'), `${dead.stdout}\n`);
      const res = await runPalisade(['user', 'create', 'after-crash'], { env });
      assert.equal(res.code, 0, res.stderr);
    });
  });

  describe('while the server runs', () => {
    let server: ServerProcess;
    const bootstrapToken = randomBytes(24).toString('hex');
    before(async () => {
      server = await startServerProcess({ env: { PALISADE_BOOTSTRAP_TOKEN: bootstrapToken } });
    });
    after(() => server?.stop());

    it('refuses to open the embedded database beside it, saying what to do', async () => {
      const res = await runPalisade(['user', 'create', 'bob'], {
        env: { PALISADE_DATA_DIR: server.dataDir },
      });
      assert.equal(res.code, 1);
      assert.match(res.stderr, /is in use by process \d+/);
      assert.match(res.stderr, /PALISADE_URL and PALISADE_TOKEN/);
    });

    it('works through the API with PALISADE_URL and PALISADE_TOKEN', async () => {
      const env = {
        PALISADE_DATA_DIR: server.dataDir,
        PALISADE_URL: server.url,
        PALISADE_TOKEN: bootstrapToken,
      };
      const created = await runPalisade(['user', 'create', 'bob', '--superuser'], { env });
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, new RegExp(`in the server at ${server.url}`));
      const duplicate = await runPalisade(['user', 'create', 'bob'], { env });
      assert.equal(duplicate.code, 1);
      assert.match(duplicate.stderr, /username/);
      const set = await runPalisade(['user', 'set-password', 'bob'], { env, stdin: 'bob-password-123\n' });
      assert.equal(set.code, 0, set.stderr);
      const token = await runPalisade(
        ['token', 'create', 'bob-api', '--user', 'bob', '--description', 'ci'],
        {
          env,
        },
      );
      assert.equal(token.code, 0, token.stderr);
      const key = token.stdout.trim();
      assert.equal(await meWithToken(server.url, key), 'bob');
      // --superuser put bob in the admin group: his token may use the admin API.
      const admin = await fetch(`${server.url}/api/v3/core/users/?username=bob`, {
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(admin.status, 200);
      assert.equal(
        ((await admin.json()) as { results: Array<{ is_superuser: boolean }> }).results[0]?.is_superuser,
        true,
      );
    });

    it('falls back to the database when PALISADE_URL does not answer', async () => {
      const res = await runPalisade(['user', 'create', 'carol'], {
        env: { PALISADE_DATA_DIR: server.dataDir, PALISADE_URL: 'http://127.0.0.1:9', PALISADE_TOKEN: 'x' },
      });
      assert.match(res.stderr, /does not answer; working on the database directly/);
      assert.match(res.stderr, /is in use by process/);
      assert.equal(res.code, 1);
    });
  });
});
