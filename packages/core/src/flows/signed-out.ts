import type { Queryable } from '../db/database.ts';
import { findApplicationBySlug } from '../applications/applications-repository.ts';
import { findProxyProvider } from '../proxy/providers-repository.ts';
import { html } from './html.ts';
import { page } from './page.ts';

/** The application a sign-out was for: its name and, when it has one, the address to go back to. */
export interface WayBack {
  name: string;
  url?: string;
}

/** Only web addresses become links (a launch URL is admin input, but a `javascript:` link is never right). */
function webUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The way back to the application with this slug: its launch URL, else its proxy provider's external host.
 * Looked up by slug, never taken from the request, so the signed-out page links nowhere a link-maker chose.
 */
export async function wayBackTo(db: Queryable, slug: unknown): Promise<WayBack | undefined> {
  if (typeof slug !== 'string' || slug.length === 0 || slug.length > 50) return undefined;
  const application = await findApplicationBySlug(db, slug);
  if (!application) return undefined;
  const proxy = application.providerId ? await findProxyProvider(db, application.providerId) : undefined;
  return { name: application.name, url: webUrl(application.metaLaunchUrl) ?? webUrl(proxy?.externalHost) };
}

/**
 * The page an invalidation flow ends on: signed out (or, when the flow left the core session alone, signed
 * out of the application only), with a way back: the application, and signing in again.
 */
export function signedOutPage(options: { wayBack?: WayBack; stillSignedInAs?: string; signInPath: string }) {
  const { wayBack, stillSignedInAs } = options;
  return page(
    'Signed out',
    html`<p id="signed-out">
        ${
          stillSignedInAs
            ? html`You signed out of ${wayBack ? wayBack.name : 'the application'}. You are still signed in to
                Palisade as <strong>${stillSignedInAs}</strong>.`
            : 'You are signed out.'
        }
      </p>
      <p>
        ${
          wayBack?.url
            ? html`<a id="way-back" href="${wayBack.url}">Back to ${wayBack.name}</a>`
            : html`<a id="way-back" href="${options.signInPath}">Sign in again</a>`
        }
      </p>`,
  );
}
