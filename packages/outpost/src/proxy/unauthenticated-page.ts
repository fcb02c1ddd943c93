/** Sign-in problem pages (header-auth 401, failed callback) as runtime replies, on the shared error page. */
import { ERROR_PAGE_HEADERS, type ErrorPage, renderErrorPage } from './error-page.ts';
import type { Reply } from './http/reply.ts';

/** A reply carrying the error page; pages are never framed, cached or able to run anything. */
export function pageReply(status: number, content: ErrorPage, setCookies: readonly string[] = []): Reply {
  return { status, headers: { ...ERROR_PAGE_HEADERS }, body: renderErrorPage(content), setCookies };
}
