/** Debian's eapol_test (wpa_supplicant's RADIUS client) run against a test server. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How it ended: exit code and what it printed (its last lines say SUCCESS or FAILURE). */
export interface EapolResult {
  code: number;
  output: string;
}

/** Runs eapol_test with the `network` block's settings (written to `dir`), once. */
export function eapolTest(options: {
  dir: string;
  name: string;
  port: number;
  secret: string;
  network: Record<string, string>;
  timeoutSeconds?: number;
}): Promise<EapolResult> {
  const lines = Object.entries(options.network).map(([k, v]) => `  ${k}=${v}`);
  const file = join(options.dir, `${options.name}.conf`);
  writeFileSync(file, `network={\n  ssid="palisade"\n  key_mgmt=WPA-EAP\n${lines.join('\n')}\n}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn('eapol_test', [
      '-c',
      file,
      '-a',
      '127.0.0.1',
      '-p',
      String(options.port),
      '-s',
      options.secret,
      '-t',
      String(options.timeoutSeconds ?? 15),
      '-r',
      '0',
    ]);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
