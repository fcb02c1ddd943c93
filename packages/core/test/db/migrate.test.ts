import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { isMigrated, type Migration, migrate, readMigrations } from '../../src/db/migrate.ts';
import { openServerDatabase } from '../../src/db/server.ts';
import { POSTGRES_SKIP_REASON, testBackends } from '../support/databases.ts';

const tableExists = async (db: Database, name: string) =>
  (await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [name]))[0]?.exists;

for (const backend of testBackends()) {
  describe(`migrations on ${backend.name}`, () => {
    let db: Database;
    before(async () => {
      db = await backend.open();
    });
    after(async () => db.close());

    it('applies every migration once and records it', async () => {
      const migrations = await readMigrations();
      const first = await migrate(db, migrations);
      assert.deepEqual(
        first.applied.map((m) => m.version),
        migrations.map((m) => m.version),
      );
      assert.equal(await tableExists(db, 'users'), true);
      assert.equal(await isMigrated(db, migrations), true);
      const second = await migrate(db, migrations);
      assert.deepEqual(second.applied, []);
      assert.equal(second.current, first.current);
    });

    it('leaves the database as it was when a migration fails', async () => {
      const migrations = await readMigrations();
      const broken: Migration[] = [
        ...migrations,
        { version: 9998, name: 'good_part', sql: 'CREATE TABLE should_not_survive (id int);' },
        {
          version: 9999,
          name: 'broken',
          sql: 'CREATE TABLE also_gone (id int);\nSELECT * FROM no_such_table;',
        },
      ];
      await assert.rejects(migrate(db, broken), /9999_broken failed/);
      assert.equal(await tableExists(db, 'should_not_survive'), false);
      assert.equal(await tableExists(db, 'also_gone'), false);
      const versions = await db.query<{ version: number }>('SELECT version FROM palisade_migrations');
      assert.ok(versions.every((v) => v.version < 9998));
      assert.equal(await isMigrated(db, broken), false);
    });
  });
}

describe('migrations from several replicas at once', { skip: POSTGRES_SKIP_REASON }, () => {
  it('applies each migration exactly once under the advisory lock', async () => {
    const backend = testBackends().find((b) => b.name === 'postgres');
    assert.ok(backend);
    const db = await backend.open();
    // A second pool on the same database stands in for a second replica starting at the same moment.
    const current = (await db.query<{ db: string }>('SELECT current_database() AS db'))[0]?.db;
    const base = new URL(process.env.PALISADE_TEST_POSTGRESQL_URL ?? '');
    base.pathname = `/${current}`;
    const replica = await openServerDatabase(base.toString());
    try {
      const migrations = await readMigrations();
      const [a, b] = await Promise.all([migrate(db, migrations), migrate(replica, migrations)]);
      assert.equal(a.applied.length + b.applied.length, migrations.length);
      const rows = await db.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM palisade_migrations',
      );
      assert.equal(rows[0]?.count, migrations.length);
    } finally {
      await replica.close();
      await db.close();
    }
  });
});
