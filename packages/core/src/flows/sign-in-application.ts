import { findApplicationBySlug } from '../applications/applications-repository.ts';
import type { AppContext } from '../context.ts';
import { interactionClient } from '../oauth2/interactions.ts';
import { OAUTH2_BASE } from '../oauth2/issuer.ts';
import { findOAuth2ProviderByClientId } from '../oauth2/providers-repository.ts';

const RAC_LAUNCH = /^\/application\/rac\/([^/?#]+)\//;

/** The name of the application an OAuth2 client id belongs to (a proxy provider is one too). */
async function applicationOfClient(ctx: AppContext, clientId: string | null | undefined) {
  const provider = clientId ? await findOAuth2ProviderByClientId(ctx.db, clientId) : undefined;
  return provider?.applicationName ?? undefined;
}

/**
 * The name of the application a sign-in was started for, read from where it goes next (a safe same-origin
 * path): an OAuth2 interaction (where every OAuth2 client and proxy outpost, embedded or not, sends the
 * browser: its `start` goes through authorize to the interaction) or authorize request, or an RAC launch.
 * Anything else, or an unknown or expired one, is no application: the page then names only the product.
 */
export async function signInApplicationName(ctx: AppContext, next: string): Promise<string | undefined> {
  const url = new URL(next, 'http://palisade.invalid');
  // Built here, not at load: the OAuth2 modules import the flow pages, so OAUTH2_BASE is not set yet then.
  const interaction = new RegExp(`^${OAUTH2_BASE}/interaction/([^/?#]+)/`).exec(url.pathname)?.[1];
  if (interaction) return applicationOfClient(ctx, await interactionClient(ctx, interaction));
  if (url.pathname === `${OAUTH2_BASE}/authorize/`)
    return applicationOfClient(ctx, url.searchParams.get('client_id'));
  const rac = RAC_LAUNCH.exec(url.pathname)?.[1];
  if (rac) return (await findApplicationBySlug(ctx.db, decodeURIComponent(rac)))?.name;
  return undefined;
}
