import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AppContext } from '../context.ts';
import { findFlow } from '../flows/flows-repository.ts';
import { signedOutPage } from '../flows/signed-out.ts';
import { SIGN_IN_PATH } from '../routes/flows/sign-in.ts';
import { SIGN_OUT_PATH } from '../routes/flows/sign-out.ts';
import { findOAuth2ProviderByClientId } from './providers-repository.ts';

/** Where a sign-out of the client `clientId` continues: its provider's invalidation flow, for its application. */
async function invalidationPage(ctx: AppContext, clientId: string | undefined): Promise<string> {
  const provider = clientId ? await findOAuth2ProviderByClientId(ctx.db, clientId) : undefined;
  const flow = provider?.invalidationFlow ? await findFlow(ctx.db, provider.invalidationFlow) : undefined;
  if (!flow) return SIGN_OUT_PATH;
  const query = new URLSearchParams(
    provider?.applicationSlug ? { application: provider.applicationSlug } : {},
  );
  return `/if/flow/${encodeURIComponent(flow.slug)}/${query.size ? `?${query}` : ''}`;
}

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) on Palisade's own pages rather than the OAuth
 * library's stock ones (which ask about the server's host name and load web fonts from a third party):
 * the end-session request forgets the authorization server's own login session and sends the browser to the
 * provider's invalidation flow (flows/signed-out.ts ends it), which ends the core session unless the flow
 * says otherwise. Nothing waits for a click, so a user who walks away is not signed back in.
 */
export function logoutPages(ctx: AppContext) {
  return {
    async logoutSource(koa: KoaContextWithOIDC): Promise<void> {
      const to = await invalidationPage(ctx, koa.oidc.client?.clientId);
      await koa.oidc.session?.destroy();
      koa.status = 303;
      koa.redirect(to);
    },
    // Reached when the browser had no login session at the authorization server: the core session (if
    // any) was ended by the end_session.success listener (issuer.ts), so this page only says so.
    async postLogoutSuccessSource(koa: KoaContextWithOIDC): Promise<void> {
      koa.type = 'html';
      koa.body = signedOutPage({ signInPath: SIGN_IN_PATH });
    },
  };
}
