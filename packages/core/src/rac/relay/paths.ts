/**
 * The websocket paths of the RAC transport (docs/rac.md): the browser's, the outpost's relay, and the link
 * between core replicas. Each parser answers the id in the path, or undefined for any other path.
 */

const BROWSER = /^\/ws\/rac\/([A-Za-z0-9_-]{43})\/?$/;
const RELAY = /^\/ws\/outpost_rac\/([A-Za-z0-9_-]{1,64})\/?$/;
const LINK = /^\/ws\/rac_link\/([A-Za-z0-9_-]{1,64})\/?$/;

/** The pathname and query of an upgrade request's URL. */
export function upgradeUrl(url: string | undefined): URL {
  return new URL(url ?? '/', 'http://core');
}

/** The connection token of a browser socket path `/ws/rac/<token>/`. */
export function browserSocketToken(pathname: string): string | undefined {
  return BROWSER.exec(pathname)?.[1];
}

/** The channel of an outpost's relay socket path `/ws/outpost_rac/<channel>/`. */
export function relaySocketChannel(pathname: string): string | undefined {
  return RELAY.exec(pathname)?.[1];
}

/** The channel of a replica link path `/ws/rac_link/<channel>/`. */
export function linkSocketChannel(pathname: string): string | undefined {
  return LINK.exec(pathname)?.[1];
}

/** The path a replica dials to reach a browser socket it does not hold. */
export function linkSocketPath(channelId: string): string {
  return `/ws/rac_link/${channelId}/`;
}

/** Screen sizes from the browser's query: up to five digits each, anything else left empty (the outpost reads 0). */
export function screenOf(url: URL): { width: string; height: string; dpi: string } {
  const digits = (name: string) => {
    const value = url.searchParams.get(name) ?? '';
    return /^[0-9]{1,5}$/.test(value) ? value : '';
  };
  return { width: digits('screen_width'), height: digits('screen_height'), dpi: digits('screen_dpi') };
}
