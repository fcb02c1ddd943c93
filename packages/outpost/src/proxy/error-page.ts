/**
 * The outpost's HTML error page (spec proxy-outpost.md §9.1): 502 when the upstream fails, 401 when header
 * authentication forbids a redirect. Self-contained (inline style, no external assets), so it renders even
 * when the static assets or the core are unreachable, and its CSP can forbid everything else.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './http/reply.ts';

/** What an error page says. */
export interface ErrorPage {
  title: string;
  message: string;
  /** A link to offer instead of "Go to home" (an already validated URL) and its label. */
  link?: { href: string; label: string };
}

/** Headers every error page carries: nothing but inline style may load, nothing is cached or sniffed. */
export const ERROR_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE = `
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#1c1e21;color:#151515}
main{background:#fff;max-width:32rem;width:calc(100% - 2rem);padding:2rem 2.5rem;box-sizing:border-box}
h1{margin:0 0 1rem;font-size:1.5rem;font-weight:400}
p{margin:0 0 1.5rem;line-height:1.5;overflow-wrap:anywhere}
a{color:#06c}
footer{margin-top:1.5rem;font-size:.8rem;color:#6a6e73}`;

/** Renders the error page: title, message, a link home and the "Powered by authentik" footer. */
export function renderErrorPage(page: ErrorPage): string {
  const title = escapeHtml(page.title);
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${title}</title>\n<style>${STYLE}\n</style>\n</head>\n<body>\n<main>\n` +
    `<h1>${title}</h1>\n<p>${escapeHtml(page.message)}</p>\n` +
    `<a href="${escapeHtml(page.link?.href ?? '/')}">${escapeHtml(page.link?.label ?? 'Go to home')}</a>\n` +
    '<footer>Powered by authentik</footer>\n</main>\n</body>\n</html>\n'
  );
}

/**
 * Answers with the error page. Headers the caller already set (a Set-Cookie from header authentication)
 * are kept; the page's own headers replace any of the same name.
 */
export function sendErrorPage(res: ServerResponse, statusCode: number, page: ErrorPage): void {
  const body = renderErrorPage(page);
  for (const [name, value] of Object.entries(ERROR_PAGE_HEADERS)) res.setHeader(name, value);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.writeHead(statusCode);
  res.end(body);
}

/** The error page as a Reply (for flows and adapters that answer through writeReply). */
export function errorPageReply(status: number, page: ErrorPage, setCookies: readonly string[] = []): Reply {
  return { status, headers: { ...ERROR_PAGE_HEADERS }, body: renderErrorPage(page), setCookies };
}

/** The error page as a complete raw HTTP/1.1 response, for sockets that have left node:http (upgrades). */
export function rawErrorResponse(statusCode: number, reason: string, page: ErrorPage): string {
  const body = renderErrorPage(page);
  const headers = Object.entries(ERROR_PAGE_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
  return (
    `HTTP/1.1 ${statusCode} ${reason}\r\n${headers.join('')}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
