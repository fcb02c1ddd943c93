import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { openEmbeddedDatabase } from '../../src/db/embedded.ts';
import { openServerDatabase } from '../../src/db/server.ts';
import { verifyPassword } from '../../src/identity/passwords.ts';
import { createSecretBox } from '../../src/identity/secret-box.ts';
import { findTokenByKey } from '../../src/identity/tokens-repository.ts';
import { findPasswordHash, findUserByUsername } from '../../src/identity/users-repository.ts';
import { createServerTestDatabaseUrl, POSTGRES_SKIP_REASON } from '../support/databases.ts';
import { runPalisade } from './palisade-process.ts';

interface Backend {
  name: string;
  skip?: string;
  /** Settings for the commands, and how to open the same database in this process to check their work. */
  setUp(
    dataDir: string,
  ): Promise<{ env: Record<string, string>; open(): Promise<Database>; drop(): Promise<void> }>;
  where: RegExp;
  /** The embedded database has a lock file in the data folder; a server database is shared by design. */
  hasLock: boolean;
}

const postgresUrl = process.env.PALISADE_TEST_POSTGRESQL_URL;

const backends: Backend[] = [
  {
    name: 'the embedded database',
    where: /in the embedded database in \//,
    hasLock: true,
    async setUp(dataDir) {
      return { env: {}, open: () => openEmbeddedDatabase(dataDir), drop: async () => {} };
    },
  },
  {
    name: 'a PostgreSQL server',
    skip: POSTGRES_SKIP_REASON,
    where: /in the PostgreSQL database/,
    hasLock: false,
    async setUp() {
      const database = await createServerTestDatabaseUrl(postgresUrl as string);
      return {
        env: { PALISADE_DATABASE_URL: database.url },
        open: () => openServerDatabase(database.url),
        drop: database.drop,
      };
    },
  },
];

for (const backend of backends) {
  describe(`palisade commands directly on ${backend.name}`, { skip: backend.skip }, () => {
    let dataDir: string;
    let env: Record<string, string>;
    let open: () => Promise<Database>;
    let drop: () => Promise<void>;
    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'palisade-cli-'));
      const setUp = await backend.setUp(dataDir);
      env = { PALISADE_DATA_DIR: dataDir, ...setUp.env };
      open = setUp.open;
      drop = setUp.drop;
    });
    after(async () => {
      await drop?.();
      await rm(dataDir, { recursive: true, force: true });
    });

    /** Opens the database the commands used (once they have exited) and hands it to `check`. */
    async function inDatabase<T>(check: (db: Database) => Promise<T>): Promise<T> {
      const db = await open();
      try {
        return await check(db);
      } finally {
        await db.close();
      }
    }

    it('lists pending migrations with --check (exit 1), applies them, then reports up to date', async () => {
      const pending = await runPalisade(['migrate', '--check'], { env });
      assert.equal(pending.code, 1, pending.stderr);
      assert.match(pending.stdout, /^pending 1_identity$/m);
      const applied = await runPalisade(['migrate'], { env });
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /^applied 1_identity$/m);
      const again = await runPalisade(['migrate'], { env });
      assert.equal(again.stdout, 'database is up to date\n');
      const check = await runPalisade(['migrate', '--check'], { env });
      assert.equal(check.code, 0, check.stderr);
      assert.equal(check.stdout, 'database is up to date\n');
    });

    it('creates users (plain, service account, superuser) and refuses a second one of the same name', async () => {
      const alice = await runPalisade(
        ['user', 'create', 'alice', '--name', 'Alice A', '--email', 'alice@example.com'],
        {
          env,
        },
      );
      assert.equal(alice.code, 0, alice.stderr);
      assert.match(alice.stdout, /^created user alice \(pk \d+\) /);
      assert.match(alice.stdout, backend.where);
      const again = await runPalisade(['user', 'create', 'alice'], { env });
      assert.equal(again.code, 1);
      assert.equal(again.stderr, 'palisade user create: user alice already exists\n');
      const robot = await runPalisade(['user', 'create', 'robot', '--service-account'], { env });
      assert.equal(robot.code, 0, robot.stderr);
      const root = await runPalisade(['user', 'create', 'root', '--superuser'], { env });
      assert.equal(root.code, 0, root.stderr);

      await inDatabase(async (db) => {
        const a = await findUserByUsername(db, 'alice');
        assert.equal(a?.name, 'Alice A');
        assert.equal(a?.email, 'alice@example.com');
        assert.equal(a?.type, 'internal');
        assert.equal(a?.isSuperuser, false);
        assert.equal(a?.hasUsablePassword, false);
        assert.equal((await findUserByUsername(db, 'robot'))?.type, 'service_account');
        assert.equal((await findUserByUsername(db, 'root'))?.isSuperuser, true);
        // The first-start objects exist even though no server ever ran.
        assert.equal((await findUserByUsername(db, 'akadmin'))?.isSuperuser, true);
      });
    });

    it('sets a password read from stdin, never printing it', async () => {
      const secret = 'correct horse battery staple';
      const set = await runPalisade(['user', 'set-password', 'alice'], {
        env,
        stdin: `${secret}\nignored\n`,
      });
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stdout, /^set the password of alice in /);
      assert.ok(!set.stdout.includes(secret) && !set.stderr.includes(secret));
      const explicit = await runPalisade(['user', 'set-password', 'root', '--password-stdin'], {
        env,
        stdin: 'root-password-1',
      });
      assert.equal(explicit.code, 0, explicit.stderr);

      await inDatabase(async (db) => {
        const alice = await findUserByUsername(db, 'alice');
        assert.ok(alice);
        assert.equal((await verifyPassword((await findPasswordHash(db, alice.id)) ?? null, secret)).ok, true);
        const root = await findUserByUsername(db, 'root');
        assert.ok(root);
        assert.equal(
          (await verifyPassword((await findPasswordHash(db, root.id)) ?? null, 'root-password-1')).ok,
          true,
        );
      });

      const nobody = await runPalisade(['user', 'set-password', 'nobody'], { env, stdin: 'x\n' });
      assert.equal(nobody.code, 1);
      assert.equal(nobody.stderr, 'palisade user set-password: no user named nobody\n');
      const empty = await runPalisade(['user', 'set-password', 'alice'], { env, stdin: '' });
      assert.equal(empty.code, 1);
      assert.match(empty.stderr, /no password given on stdin/);
    });

    it('creates a token and prints its key once, alone on stdout', async () => {
      const res = await runPalisade(
        [
          'token',
          'create',
          'alice-ci',
          '--user',
          'alice',
          '--description',
          'CI pipeline',
          '--expires',
          '2099-01-01T00:00:00Z',
        ],
        { env },
      );
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /^[\w-]{43}\n$/);
      const key = res.stdout.trim();
      const appPassword = await runPalisade(
        ['token', 'create', 'alice-app', '--user', 'alice', '--intent', 'app_password'],
        {
          env,
        },
      );
      assert.equal(appPassword.code, 0, appPassword.stderr);

      const box = createSecretBox((await readFile(join(dataDir, 'secret_key'), 'utf8')).trim());
      await inDatabase(async (db) => {
        const alice = await findUserByUsername(db, 'alice');
        const token = await findTokenByKey(db, box, key);
        assert.equal(token?.identifier, 'alice-ci');
        assert.equal(token?.userId, alice?.id);
        assert.equal(token?.intent, 'api');
        assert.equal(token?.description, 'CI pipeline');
        assert.equal(token?.expiring, true);
        assert.equal(token?.expires?.toISOString(), '2099-01-01T00:00:00.000Z');
        const app = await findTokenByKey(db, box, appPassword.stdout.trim());
        assert.equal(app?.intent, 'app_password');
        assert.equal(app?.expiring, false);
      });

      const duplicate = await runPalisade(['token', 'create', 'alice-ci', '--user', 'alice'], { env });
      assert.equal(duplicate.code, 1);
      assert.equal(duplicate.stderr, 'palisade token create: a token named alice-ci already exists\n');
      assert.equal(duplicate.stdout, '');
      const orphan = await runPalisade(['token', 'create', 'orphan', '--user', 'nobody'], { env });
      assert.equal(orphan.code, 1);
      assert.match(orphan.stderr, /no user named nobody/);
    });

    it(
      'takes over a lock left by a process that no longer exists',
      { skip: !backend.hasLock && 'a PostgreSQL server needs no lock file' },
      async () => {
        const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
          encoding: 'utf8',
        });
        await writeFile(join(dataDir, 'palisade.lock'), `${dead.stdout}\n`);
        const res = await runPalisade(['user', 'create', 'after-crash'], { env });
        assert.equal(res.code, 0, res.stderr);
        assert.equal(existsSync(join(dataDir, 'palisade.lock')), false, 'released on exit');
      },
    );
  });
}
