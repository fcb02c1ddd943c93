/**
 * A stand-in for the core's RAC side, to drive the page in Chromium against the real outpost before the
 * core's sockets exist in this branch: it serves the built page at /if/rac/<token>/ and its assets, takes
 * the browser's /ws/rac/<token>/, sends the outpost init_connection for the token's target, and pipes the
 * browser's socket and the outpost's relay socket into each other verbatim, passing a 4000 close on with
 * its reason and telling the outpost `0.authentik.disconnect` when the browser leaves (rac-shared.md).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import type { RacHarness } from './rac-outpost.ts';

const DIST = join(import.meta.dirname, '../../../../web/dist');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
};

/** A target a token opens: protocol and params, as the core would merge them. */
export interface PageTarget {
  protocol: 'vnc' | 'ssh' | 'rdp';
  params: Record<string, string>;
}

/** Serves the page for each token of `targets` through `rac`'s stand-in core. */
export function servePage(rac: RacHarness, targets: Map<string, PageTarget>) {
  const file =
    (path: string) =>
    (_req: IncomingMessage, res: ServerResponse): void =>
      void res
        .writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' })
        .end(readFileSync(path));
  for (const token of targets.keys())
    rac.core.answers.set(`/if/rac/${token}/`, file(join(DIST, 'rac', 'index.html')));
  for (const name of readdirSync(join(DIST, 'assets')))
    rac.core.answers.set(`/if/assets/${name}`, file(join(DIST, 'assets', name)));

  const browsers = new WebSocketServer({ noServer: true });
  const relayUpgrade = rac.core.onUpgrade;
  rac.core.onUpgrade = (req, socket, head) => {
    const match = /^\/ws\/rac\/([^/?]+)\/\?/.exec(req.url ?? '');
    const target = match && targets.get(match[1] ?? '');
    if (!target) return relayUpgrade?.(req, socket, head) ?? false;
    const query = new URL(req.url ?? '', 'http://x').searchParams;
    browsers.handleUpgrade(req, socket, head, (browser) => {
      const channel = randomUUID();
      rac.desk.init(channel, {
        ...target,
        screen_width: query.get('screen_width') ?? '',
        screen_height: query.get('screen_height') ?? '',
        screen_dpi: query.get('screen_dpi') ?? '',
      });
      void rac.desk.next().then((relay) => pipe(browser, relay.ws));
    });
    return true;
  };
  return { close: () => browsers.close() };
}

function pipe(browser: WebSocket, relay: WebSocket) {
  browser.on('message', (data, isBinary) => relay.send(data, { binary: isBinary }));
  relay.on('message', (data, isBinary) => browser.send(data, { binary: isBinary }));
  relay.on('close', (code, reason) => browser.close(code === 4000 ? 4000 : 1011, reason.toString()));
  browser.on('close', () => {
    if (relay.readyState !== relay.OPEN) return;
    relay.send('0.authentik.disconnect');
    relay.close();
  });
}
