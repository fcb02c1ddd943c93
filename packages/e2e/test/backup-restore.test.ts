import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { runPalisade } from '../src/cli-process.ts';
import { signInThroughExecutor } from '../src/flow-sign-in.ts';
import { startServerProcess } from '../src/server-process.ts';

const run = promisify(execFile);

/** Creates a user with a password and a token through the CLI (with `env` naming the database), answering the token. */
async function seed(env: Record<string, string>, username: string, password: string): Promise<string> {
  for (const [args, stdin] of [
    [['user', 'create', username, '--superuser'], ''],
    [['user', 'set-password', username], `${password}\n`],
  ] as const) {
    const res = await runPalisade([...args], { env, stdin });
    assert.equal(res.code, 0, res.stderr);
  }
  const token = await runPalisade(['token', 'create', `${username}-token`, '--user', username], { env });
  assert.equal(token.code, 0, token.stderr);
  return token.stdout.trim();
}

/** Creates a group through the API with `token`, and answers whether a group of that name is listed. */
async function group(baseUrl: string, token: string, name: string, create: boolean): Promise<boolean> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  if (create) {
    const res = await fetch(`${baseUrl}/api/v3/core/groups/`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name }),
    });
    assert.equal(res.status, 201, await res.text());
  }
  const list = await fetch(`${baseUrl}/api/v3/core/groups/?name=${encodeURIComponent(name)}`, { headers });
  if (!list.ok) return false;
  return ((await list.json()) as { results: { name: string }[] }).results.some((g) => g.name === name);
}

describe('backing up and restoring the embedded data folder (docs/operations.md)', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'palisade-backup-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('restores users, passwords, tokens and objects from a copy of the stopped data folder', async () => {
    const dataDir = join(root, 'data');
    const token = await seed({ PALISADE_DATA_DIR: dataDir }, 'carol', 'carol-password-1');
    const before = await startServerProcess({ dataDir });
    try {
      assert.ok(await group(before.url, token, 'backed-up', true));
    } finally {
      await before.stop();
    }
    // The commands docs/operations.md gives: stop, archive the folder, and later unpack it into an empty one.
    const archive = join(root, 'palisade-backup.tar.gz');
    await run('tar', ['-C', dataDir, '-czf', archive, '.']);
    await rm(dataDir, { recursive: true, force: true });
    const restored = join(root, 'restored');
    await mkdir(restored, { mode: 0o700 });
    await run('tar', ['-C', restored, '-xzf', archive]);
    assert.ok((await readdir(restored)).includes('secret_key'), 'the secret key travels with the backup');

    const after = await startServerProcess({ dataDir: restored });
    try {
      assert.ok(
        await signInThroughExecutor(after.url, 'carol', 'carol-password-1'),
        'the password still signs in',
      );
      assert.ok(
        !(await signInThroughExecutor(after.url, 'carol', 'wrong-password')),
        'a wrong one still does not',
      );
      assert.ok(await group(after.url, token, 'backed-up', false), 'the token and the group came back');
    } finally {
      await after.stop();
    }
  });
});

const postgresUrl = process.env.PALISADE_TEST_POSTGRESQL_URL;

describe(
  'backing up and restoring PostgreSQL with pg_dump (docs/operations.md)',
  {
    skip: postgresUrl ? undefined : 'PALISADE_TEST_POSTGRESQL_URL is not set (CI sets it)',
  },
  () => {
    it('restores into a new database with the same secret key, and signs in', async () => {
      const admin = postgresUrl ?? '';
      const name = `palisade_backup_${randomBytes(4).toString('hex')}`;
      const url = (db: string) => Object.assign(new URL(admin), { pathname: `/${db}` }).toString();
      const secretKey = randomBytes(32).toString('base64url');
      const dataDir = await mkdtemp(join(tmpdir(), 'palisade-backup-pg-'));
      const env = {
        PALISADE_DATABASE_URL: url(name),
        PALISADE_SECRET_KEY: secretKey,
        PALISADE_DATA_DIR: dataDir,
      };
      await run('psql', [admin, '-qc', `CREATE DATABASE ${name}`]);
      const dump = join(dataDir, 'palisade.dump');
      try {
        const token = await seed(env, 'dave', 'dave-password-1');
        const before = await startServerProcess({ dataDir, env });
        try {
          assert.ok(await group(before.url, token, 'pg-backed-up', true));
        } finally {
          await before.stop();
        }
        await run('pg_dump', ['--format=custom', `--file=${dump}`, url(name)]);
        await run('psql', [admin, '-qc', `DROP DATABASE ${name} WITH (FORCE)`]);
        await run('psql', [admin, '-qc', `CREATE DATABASE ${name}`]);
        await run('pg_restore', ['--no-owner', `--dbname=${url(name)}`, dump]);
        const after = await startServerProcess({ dataDir, env });
        try {
          assert.ok(await signInThroughExecutor(after.url, 'dave', 'dave-password-1'));
          assert.ok(await group(after.url, token, 'pg-backed-up', false));
        } finally {
          await after.stop();
        }
      } finally {
        await run('psql', [admin, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  },
);
