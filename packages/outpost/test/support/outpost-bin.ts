import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/** The outpost package's own command. */
export const OUTPOST_BIN = join(import.meta.dirname, '..', '..', 'bin', 'palisade-outpost.ts');

/** Runs the real `palisade-outpost <args>` with only `env` (and PATH); answers its exit code and output. */
export async function runOutpostBin(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [OUTPOST_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr };
}
