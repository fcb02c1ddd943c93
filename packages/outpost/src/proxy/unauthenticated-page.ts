/**
 * A minimal, self-contained HTML page for sign-in problems (header-auth 401, failed callback). No scripts, no
 * external assets, every value escaped. To be unified with the shared error page (error-page.ts) at merge.
 */
import type { Reply } from './http/reply.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML-escapes text for element content and quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** What the page says. */
export interface PageContent {
  title: string;
  message: string;
  /** An optional link (an already validated URL) and its label. */
  link?: { href: string; label: string };
}

/** The page as HTML. */
export function renderPage(content: PageContent): string {
  const link = content.link
    ? `<p><a href="${escapeHtml(content.link.href)}">${escapeHtml(content.link.label)}</a></p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(content.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f1f1f}</style>
</head>
<body><main><h1>${escapeHtml(content.title)}</h1><p>${escapeHtml(content.message)}</p>${link}</main></body>
</html>
`;
}

/** A reply carrying the page; pages are never framed and never run anything. */
export function pageReply(status: number, content: PageContent, setCookies: readonly string[] = []): Reply {
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
    },
    body: renderPage(content),
    setCookies,
  };
}
