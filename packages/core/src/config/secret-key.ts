import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PalisadeConfig } from './schema.ts';

/** Name of the generated key's file in the data folder. */
export const SECRET_KEY_FILE = 'secret_key';

/**
 * Returns the configured secret key, or the one kept in `<dataDir>/secret_key`, generating it on first
 * start (readable by the owner only). With an in-memory data folder a key lives as long as the process.
 */
export async function ensureSecretKey(config: Readonly<PalisadeConfig>, dataDir: string): Promise<string> {
  if (config.secret_key) return config.secret_key;
  if (dataDir.startsWith('memory://')) return randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SECRET_KEY_FILE);
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length < 32) throw new Error(`${path} holds a key shorter than 32 characters`);
    return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(48).toString('base64url');
  try {
    // 'wx': two processes starting at once cannot both write a key; the loser reads the winner's.
    await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(path, 'utf8')).trim();
  }
}
