import type { Static } from '@sinclair/typebox';
import type { Application as ApplicationBody } from '@palisade/schema';
import type { Application } from '../../applications/applications-repository.ts';
import type { Queryable } from '../../db/database.ts';
import { providerLaunchUrl } from '../../providers/launch-url.ts';
import { type ApplicationProvider, findProvidersByIds } from '../../providers/providers-repository.ts';
import { presentProvider } from './provider-kinds.ts';

/**
 * The contract's Application: `provider_obj` is its provider as the contract's Provider (its most derived
 * kind, as /providers/all/ shows it), and `launch_url` its own launch URL, else the provider's (a proxy
 * provider's external host, an OAuth2 provider's first redirect URI's origin), as the form promises.
 */
function present(
  app: Application,
  provider: ApplicationProvider | undefined,
): Static<typeof ApplicationBody> {
  return {
    pk: app.uuid,
    name: app.name,
    slug: app.slug,
    provider: app.providerId,
    provider_obj: provider ? presentProvider(provider, provider.kind) : null,
    backchannel_providers: [],
    backchannel_providers_obj: [],
    launch_url: app.metaLaunchUrl || (provider ? providerLaunchUrl(provider) : null),
    open_in_new_tab: app.openInNewTab,
    meta_launch_url: app.metaLaunchUrl,
    meta_icon: app.metaIcon,
    meta_icon_url: app.metaIcon || null,
    meta_icon_themed_urls: null,
    meta_description: app.metaDescription,
    meta_publisher: app.metaPublisher,
    policy_engine_mode: app.policyEngineMode,
    group: app.group,
  };
}

/** A page of applications as the contract shows them, their providers read in one query. */
export async function presentApplications(
  db: Queryable,
  apps: Application[],
): Promise<Array<Static<typeof ApplicationBody>>> {
  const ids = [...new Set(apps.flatMap((a) => (a.providerId === null ? [] : [a.providerId])))];
  const providers = await findProvidersByIds(db, ids);
  return apps.map((a) => present(a, a.providerId === null ? undefined : providers.get(a.providerId)));
}

/** One application as the contract shows it. */
export async function presentApplication(
  db: Queryable,
  app: Application,
): Promise<Static<typeof ApplicationBody>> {
  const [presented] = await presentApplications(db, [app]);
  if (!presented) throw new Error('an application presents as one');
  return presented;
}
