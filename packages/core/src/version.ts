import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The running version, from the core package's manifest. */
export const VERSION: string = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;
