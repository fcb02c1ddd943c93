import type { ApplicationProvider } from './providers-repository.ts';

/**
 * Where an application is opened when it sets no launch URL, as the reference's providers guess it: a proxy
 * provider's external host; an OAuth2 provider's first redirect URI without its path (a regex one is no URL);
 * no other kind has one.
 */
export function providerLaunchUrl(provider: ApplicationProvider): string | null {
  if (provider.kind === 'proxy') return provider.externalHost || null;
  if (provider.kind !== 'oauth2') return null;
  const first = provider.redirectUris[0];
  if (!first || first.matching_mode !== 'strict') return null;
  try {
    return new URL(first.url).origin;
  } catch {
    return null;
  }
}
