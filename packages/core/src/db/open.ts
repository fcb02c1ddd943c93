import { databaseTarget, type PalisadeConfig } from '../config/schema.ts';
import type { Database } from './database.ts';
import { openEmbeddedDatabase } from './embedded.ts';
import { openServerDatabase } from './server.ts';

/** Opens the database the configuration names: a PostgreSQL server when one is set, else the embedded one. */
export async function openConfiguredDatabase(config: Readonly<PalisadeConfig>): Promise<Database> {
  const target = databaseTarget(config);
  if (target.kind === 'embedded') return openEmbeddedDatabase(target.dataDir);
  return openServerDatabase(target.connectionString, target.ssl);
}
