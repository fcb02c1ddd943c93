import { loadConfig } from '../config/load.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { isMigrated, migrate, readMigrations } from '../db/migrate.ts';
import { type Command, EXIT } from './command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (the server also does this at start).',
  usage: `Usage: palisade migrate [--check]

Applies every pending migration in one transaction, under an advisory lock, and lists what it applied.
  --check   apply nothing; exit 1 when migrations are pending, 0 when the database is up to date`,
  options: { check: { type: 'boolean' } },
  async run({ values }, io) {
    const config = loadConfig({ env: io.env });
    const db = await openConfiguredDatabase(config);
    try {
      const migrations = await readMigrations();
      if (values.check) {
        const current = await isMigrated(db, migrations);
        io.stdout(current ? 'database is up to date\n' : 'migrations are pending\n');
        return current ? EXIT.ok : EXIT.failed;
      }
      const applied: string[] = [];
      await migrate(db, migrations, (m) => applied.push(`${m.version}_${m.name}`));
      io.stdout(
        applied.length ? applied.map((name) => `applied ${name}\n`).join('') : 'database is up to date\n',
      );
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
