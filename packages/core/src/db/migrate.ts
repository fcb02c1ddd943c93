import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, Queryable } from './database.ts';

/** One versioned migration: `NNNN_name.sql` in the migrations folder. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Where the core's migrations live. */
export const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations');

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 0x70616c69; // "pali"
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads and orders the migration files; a misnamed file or a repeated version is an error, not a skip. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match?.[1] || !match[2]) throw new Error(`migration file ${file} is not named NNNN_name.sql`);
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version))
      throw new Error(`migration version ${version} repeats`);
    migrations.push({ version, name: match[2], sql: await readFile(join(dir, file), 'utf8') });
  }
  return migrations;
}

/** Result of a migration run. */
export interface MigrateResult {
  applied: Migration[];
  current: number;
}

/**
 * Brings the schema up to date. Every pending migration runs in one transaction under an advisory lock, so
 * replicas starting together migrate once, and a failing migration leaves the database exactly as it was.
 */
export async function migrate(
  db: Database,
  migrations?: Migration[],
  onApply: (m: Migration) => void = () => {},
): Promise<MigrateResult> {
  const all = migrations ?? (await readMigrations());
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS palisade_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await appliedVersions(tx)).map((r) => r.version));
    const applied: Migration[] = [];
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      try {
        await execScript(tx, migration.sql);
      } catch (error) {
        throw new Error(
          `migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      await tx.query('INSERT INTO palisade_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration);
      onApply(migration);
    }
    const current = Math.max(
      0,
      ...all.map((m) => m.version).filter((v) => done.has(v) || applied.some((a) => a.version === v)),
    );
    return { applied, current };
  });
}

/** Answers whether every known migration has been applied (the readiness check). */
export async function isMigrated(db: Queryable, migrations: Migration[]): Promise<boolean> {
  try {
    const done = new Set((await appliedVersions(db)).map((r) => r.version));
    return migrations.every((m) => done.has(m.version));
  } catch {
    return false;
  }
}

async function appliedVersions(db: Queryable): Promise<{ version: number }[]> {
  return db.query<{ version: number }>('SELECT version FROM palisade_migrations ORDER BY version');
}

// A migration file holds several statements; parameterless scripts go through the simple query protocol on
// pg, and PGlite's query() takes one statement, so split on semicolons at line ends (files keep that form).
async function execScript(tx: Queryable, sql: string): Promise<void> {
  const statements = sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
  for (const statement of statements) await tx.query(statement);
}
