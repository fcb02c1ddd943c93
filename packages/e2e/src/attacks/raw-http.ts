import { connect } from 'node:net';

/** One HTTP/1.1 answer as the attacker's client saw it. */
export interface RawResponse {
  status: number;
  /** Header values by lowercased name, every occurrence kept. */
  headers: Map<string, string[]>;
  body: string;
}

/** What an attacker puts on the wire: any target (absolute-form, raw bytes) and any headers, in order. */
export interface RawRequest {
  port: number;
  method?: string;
  /** The request-target exactly as sent: `/path?q`, `http://host/path`, or bytes no URL parser would make. */
  target: string;
  /** Header lines in order; a name may repeat, and nothing is normalised (case, underscores, commas). */
  headers: Array<[string, string]>;
  /** Sent as is after the headers (the caller sets Content-Length). */
  body?: string;
  timeoutMs?: number;
}

/** The first value of a response header, if any. */
export function headerOf(response: RawResponse, name: string): string | undefined {
  return response.headers.get(name.toLowerCase())?.[0];
}

/**
 * Sends one request over a fresh loopback connection and reads the answer. A raw socket rather than fetch or
 * http.request: those refuse or rewrite exactly what attacks need (duplicated and underscore headers,
 * absolute-form targets, backslashes and control bytes in the path).
 */
export function rawRequest(request: RawRequest): Promise<RawResponse> {
  const lines = [`${request.method ?? 'GET'} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  return new Promise((resolve, reject) => {
    const socket = connect(request.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${request.timeoutMs ?? 10_000} ms to ${request.target}`));
    }, request.timeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write(Buffer.from(lines.join('\r\n') + (request.body ?? ''), 'latin1'));
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0)
    throw new Error(`incomplete HTTP answer: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP status line: ${statusLine}`);
  const headers = new Map<string, string[]>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  let body = raw.subarray(end + 4);
  if ((headers.get('transfer-encoding')?.[0] ?? '').toLowerCase() === 'chunked') body = dechunk(body);
  return { status, headers, body: body.toString('utf8') };
}

/** Joins a chunked body (RFC 9112 §7.1); trailers are ignored. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
