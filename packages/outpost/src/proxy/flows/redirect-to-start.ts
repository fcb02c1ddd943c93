/** "Redirect to start" (spec §6.2): where a browser without a session is sent in proxy mode and on sign-out. */
import { type Application, externalUrl, OUTPOST_PREFIX } from '../app/application.ts';
import { type Reply, redirectReply } from '../http/reply.ts';
import { pageReply } from '../unauthenticated-page.ts';
import { type CanonicalUrl, hostnameOf, isUnderDomain } from '../url/canonical.ts';

/**
 * 302 to `/outpost.goauthentik.io/start?rd=<where the browser was>`, or, when the request carried an
 * Authorization header and intercept_header_auth is on, a 401 page (an API client is not redirected).
 */
export function redirectToStart(
  app: Application,
  request: { url: CanonicalUrl; hasAuthorization: boolean },
  setCookies: readonly string[] = [],
): Reply {
  if (request.hasAuthorization && app.config.intercept_header_auth)
    return pageReply(
      401,
      {
        title: 'Unauthenticated',
        message: "Due to 'Receive header authentication' being set, no redirect is performed.",
      },
      setCookies,
    );
  const query = request.url.query ? `?${request.url.query}` : '';
  let rd = externalUrl(app, `${request.url.path}${query}`);
  if (app.config.mode === 'forward_domain')
    rd = isUnderDomain(hostnameOf(request.url.host), app.cookieDomain)
      ? `${request.url.scheme}://${request.url.host}${request.url.path}${query}`
      : app.external.href;
  return redirectReply(
    `${externalUrl(app, `${OUTPOST_PREFIX}/start`)}?rd=${encodeURIComponent(rd)}`,
    setCookies,
  );
}
