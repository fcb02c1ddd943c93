import type Provider from 'oidc-provider';

/**
 * Issues refresh tokens as the reference does: whenever a client asks for `offline_access` (and may use
 * the refresh_token grant, which every Palisade client may), not only with `prompt=consent`. oidc-provider
 * follows OpenID Connect Core §11 and drops `offline_access` from an authorization request without
 * `prompt=consent`, before any hook (issueRefreshToken included) could see it, so real clients such as
 * Grafana or Home Assistant got no refresh token. This adds `consent` to such a request's prompt: the
 * interaction then finishes consent as the application's flow says (implicitly, or by a remembered or
 * asked consent), and the scope survives to the code. `prompt=none` is left alone (it must stand alone).
 * Only GET authorization requests are rewritten; a POSTed one keeps oidc-provider's rule.
 */
export function issueRefreshTokensForOfflineAccess(provider: Provider, authorizationPath: string): void {
  provider.use(async (koa, next) => {
    if (koa.method === 'GET' && koa.path.endsWith(authorizationPath)) {
      const query = { ...koa.query };
      const scopes = String(query.scope ?? '').split(' ');
      const prompts = new Set(
        String(query.prompt ?? '')
          .split(' ')
          .filter(Boolean),
      );
      if (scopes.includes('offline_access') && !prompts.has('consent') && !prompts.has('none')) {
        prompts.add('consent');
        // oidc-provider finds where it is mounted from req.originalUrl minus url: keep the two in step.
        const raw = koa.req as typeof koa.req & { originalUrl?: string };
        const original = raw.originalUrl ?? koa.url;
        const mount = original.slice(0, Math.max(original.indexOf(koa.url), 0));
        koa.query = { ...query, prompt: [...prompts].join(' ') };
        raw.originalUrl = `${mount}${koa.url}`;
      }
    }
    await next();
  });
}
