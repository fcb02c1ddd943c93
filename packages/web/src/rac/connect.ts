/**
 * The browser's socket to the core for one connection token (`/ws/rac/<token>/` with the screen's size),
 * and how the page reads its first frame: the outpost's hello names the protocol that follows
 * (packages/schema/src/rac-relay.ts).
 */

/** The close code with which the core passes on why the outpost ended the connection. */
export const RAC_CLOSE_CODE = 4000;

/** The token of this page: `/if/rac/<token>/`. */
export function pageToken(path: string = location.pathname): string | undefined {
  return /^\/if\/rac\/([A-Za-z0-9_-]+)\/?$/.exec(path)?.[1];
}

/** `wss://<this host>/ws/rac/<token>/?screen_width=W&screen_height=H&screen_dpi=D` (spec §3.3 step 2). */
export function socketUrl(token: string): string {
  const url = new URL(`/ws/rac/${encodeURIComponent(token)}/`, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('screen_width', String(Math.round(window.innerWidth)));
  url.searchParams.set('screen_height', String(Math.round(window.innerHeight)));
  url.searchParams.set('screen_dpi', String(Math.round(window.devicePixelRatio * 96)));
  return url.href;
}

/** What the hello says. */
export type RemoteProtocol = 'vnc' | 'ssh';

/** Reads the hello (a JSON text frame); undefined when the first frame is something else. */
export function readHello(data: unknown): RemoteProtocol | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const hello = JSON.parse(data) as { type?: unknown; protocol?: unknown };
    if (hello.type === 'hello' && (hello.protocol === 'vnc' || hello.protocol === 'ssh'))
      return hello.protocol;
  } catch {
    // Not JSON: not a hello.
  }
  return undefined;
}
