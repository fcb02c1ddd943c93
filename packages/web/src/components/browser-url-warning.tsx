import { needsBrowserUrl } from '../lib/browser-url.ts';

/**
 * The warning shown while an outpost's browser-facing URL is empty or loopback: browsers on other machines
 * cannot follow a sign-in there, and the outpost refuses to send them.
 */
export function BrowserUrlWarning(props: { authentikHost: unknown; outpostName: string }) {
  if (!needsBrowserUrl(props.authentikHost)) return null;
  const value = typeof props.authentikHost === 'string' ? props.authentikHost.trim() : '';
  return (
    <p class="warning" role="alert" data-testid="browser-url-warning">
      {value === ''
        ? `${props.outpostName} has no browser-facing URL (authentik_host is empty)`
        : `${props.outpostName} sends browsers to ${value}, a loopback address`}
      : only browsers on the server itself can sign in. Set <code>PALISADE_EXTERNAL_URL</code> to the URL
      browsers reach Palisade at, or set <code>authentik_host</code> in the outpost's settings.
    </p>
  );
}
