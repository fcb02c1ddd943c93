/** What the RAC Chromium suites read off the page: the remote canvas's colour, and what crossed its sockets. */
import type { Page } from 'playwright-core';

/** The colour of the remote canvas a third of the way down its middle, as `r,g,b` (run in the page). */
export const CANVAS_PIXEL = `(() => {
  const c = document.querySelector('#rac-screen canvas');
  const d = c && c.getContext('2d').getImageData(Math.floor(c.width / 2), Math.floor(c.height / 3), 1, 1).data;
  return d ? [d[0], d[1], d[2]].join() : '';
})()`;

/**
 * Records what `page` exchanged, as text, to look for secrets in: every websocket frame both ways and, with
 * `http`, each request's URL and body and the bodies of its text answers.
 */
export function recordTraffic(page: Page, into: string[], options: { http?: boolean } = {}): void {
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => into.push(String(f.payload)));
    ws.on('framereceived', (f) => into.push(String(f.payload)));
  });
  if (!options.http) return;
  page.on('request', (req) => into.push(req.url(), req.postData() ?? ''));
  page.on('response', (res) => {
    if (/text|json|javascript/.test(res.headers()['content-type'] ?? ''))
      void res.text().then(
        (t) => into.push(t),
        () => {},
      );
  });
}
