/**
 * One request to the outpost with its header lines exactly as given: repeated names stay repeated lines
 * (node:http would join a Record's values), so tests can send what a client or a misconfigured proxy sends.
 */
import { request as httpRequest } from 'node:http';
import type { BrowserResponse } from './browser.ts';

/** Sends GET `path` to 127.0.0.1:`port` with `lines` (name, value pairs; Host among them if wanted). */
export function rawRequest(
  port: number,
  path: string,
  lines: ReadonlyArray<readonly [string, string]>,
): Promise<BrowserResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'GET',
        path,
        headers: lines.flatMap(([name, value]) => [name, value]),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            location: res.headers.location,
            url: path,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
