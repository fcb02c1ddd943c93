/** Debian's radclient (freeradius-utils), run against a test server. */
import { spawn } from 'node:child_process';

/** What radclient printed and how it exited. */
export interface RadclientResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Sends the attributes `pairs` (radclient's `Name = value` lines) once to 127.0.0.1:`port` with `secret`:
 * `-x` prints the reply's attributes, `-r 1` means no retransmission so a drop shows as a timeout.
 */
export function radclient(
  port: number,
  secret: string,
  pairs: string[],
  timeoutSeconds = 3,
): Promise<RadclientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('radclient', [
      '-x',
      '-r',
      '1',
      '-t',
      String(timeoutSeconds),
      `127.0.0.1:${port}`,
      'auth',
      secret,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(`${pairs.join('\n')}\n`);
  });
}
