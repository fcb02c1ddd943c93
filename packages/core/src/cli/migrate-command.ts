import type { Queryable } from '../db/database.ts';
import type { Migration } from '../db/migrate.ts';
import { type Command, EXIT } from './command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (the server also does this at start).',
  usage: `Usage: palisade migrate [--check]

Applies every pending migration in one transaction, under an advisory lock, and lists what it applied.
The server applies them itself when it starts; this command is for upgrades run as a separate step.
  --check   apply nothing: list pending migrations and exit 1 if there are any, 0 when up to date`,
  argumentNames: [],
  options: { check: { type: 'boolean' } },
  async run({ values }, io) {
    // Loaded here, not at the top: --help and usage errors stay instant.
    const { loadConfig } = await import('../config/load.ts');
    const { openConfiguredDatabase } = await import('../db/open.ts');
    const { migrate, readMigrations } = await import('../db/migrate.ts');
    const config = loadConfig({ env: io.env });
    const db = await openConfiguredDatabase(config);
    try {
      const migrations = await readMigrations();
      if (values.check) {
        const pending = await pendingMigrations(db, migrations);
        io.stdout(
          pending.length ? pending.map((m) => `pending ${name(m)}\n`).join('') : 'database is up to date\n',
        );
        return pending.length ? EXIT.failed : EXIT.ok;
      }
      const applied: string[] = [];
      await migrate(db, migrations, (m) => applied.push(name(m)));
      io.stdout(applied.length ? applied.map((m) => `applied ${m}\n`).join('') : 'database is up to date\n');
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};

const name = (m: Migration) => `${m.version}_${m.name}`;

/** The migrations not yet recorded as applied (all of them on a database never migrated). */
async function pendingMigrations(db: Queryable, migrations: Migration[]): Promise<Migration[]> {
  let done: Set<number>;
  try {
    const rows = await db.query<{ version: number }>('SELECT version FROM palisade_migrations');
    done = new Set(rows.map((r) => r.version));
  } catch (error) {
    // 42P01 undefined_table: never migrated.
    if ((error as { code?: string }).code !== '42P01') throw error;
    done = new Set();
  }
  return migrations.filter((m) => !done.has(m.version));
}
