/** A response as flows and adapters describe it, and its writing onto node:http. */
import type { ServerResponse } from 'node:http';

/** A complete, small response (flows and forward-auth answers are never streamed). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  setCookies?: readonly string[];
  body?: string;
}

/** A plain-text reply. */
export const textReply = (status: number, body: string, setCookies: readonly string[] = []): Reply => ({
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  body,
  setCookies,
});

/** A 302 to `location`. */
export const redirectReply = (location: string, setCookies: readonly string[] = []): Reply => ({
  status: 302,
  headers: { Location: location },
  setCookies,
});

/** Writes a reply. Answers about sign-in are never cached by the browser or a proxy. */
export function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string | string[]> = { 'Cache-Control': 'no-store', ...reply.headers };
  if (reply.setCookies && reply.setCookies.length > 0) headers['Set-Cookie'] = [...reply.setCookies];
  const body = reply.body ?? '';
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(reply.status, headers);
  res.end(body);
}
