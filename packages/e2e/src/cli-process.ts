import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './server-process.ts';

/** What a finished `palisade` command printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `palisade` command as a user runs it (the package bin, on the workspace's Node.js 24). */
export const PALISADE_BIN = join(REPO_ROOT, 'packages', 'core', 'bin', 'palisade.ts');

/** Runs `palisade ...args` to completion with `env` over a clean environment and optional stdin. */
export async function runPalisade(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const child = spawn(process.execPath, [PALISADE_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...env, PALISADE_LOG_LEVEL: 'silent', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}
