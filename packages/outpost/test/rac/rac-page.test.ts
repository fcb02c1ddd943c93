import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  sshClientKey,
  sshdUnavailable,
  startSshd,
} from '../../../core/test/integrations/docker/support/remote.ts';
import { launchChromium } from '../../../e2e/src/browser.ts';
import { type PageTarget, servePage } from './support/page-core.ts';
import { CANVAS_PIXEL, recordTraffic } from './support/page-probes.ts';
import { eventually, type RacHarness, startRacOutpost } from './support/rac-outpost.ts';
import { startVncServer, type VncServer, vncUnavailable } from './support/x-display.ts';

const PASSWORD = 'page-vnc-pass';
const built = existsSync(join(import.meta.dirname, '../../../web/dist/rac/index.html'))
  ? undefined
  : 'the web build is missing (npm run build -w @palisade/web)';

/** Every websocket frame `page` exchanged, as text. */
function recordSockets(page: Page): () => string {
  const frames: string[] = [];
  recordTraffic(page, frames);
  return () => frames.join('\n');
}

describe(
  'RAC page in Chromium, through a stand-in core, against real servers',
  {
    skip: vncUnavailable() ?? sshdUnavailable() ?? built,
  },
  () => {
    let dir: string;
    let vnc: VncServer;
    let sshd: { port: number; stop(): void };
    let key: string;
    let rac: RacHarness;
    let browser: Browser;
    const targets = new Map<string, PageTarget>();

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rac-page-'));
      vnc = await startVncServer(dir, PASSWORD, 800, 600);
      const client = await sshClientKey(dir);
      key = client.key;
      sshd = await startSshd(dir, client.publicKey, join(dir, 'no-docker.sock'));
      rac = await startRacOutpost();
      targets.set('vnc-token', {
        protocol: 'vnc',
        params: { hostname: '127.0.0.1', port: String(vnc.port), password: PASSWORD },
      });
      targets.set('ssh-token', {
        protocol: 'ssh',
        params: { hostname: '127.0.0.1', port: String(sshd.port), username: 'root', 'private-key': key },
      });
      targets.set('refused-token', { protocol: 'vnc', params: { hostname: '127.0.0.1', port: '1' } });
      servePage(rac, targets);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await rac?.close();
      sshd?.stop();
      await vnc?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('shows the remote screen in a canvas, sends the keys typed, and never carries the password', async () => {
      vnc.client('xmessage', ['-bg', '#00ff00', '-fg', '#00ff00', '-geometry', '800x600+0+0', 'x']);
      const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
      const carried = recordSockets(page);
      await page.goto(`${rac.core.url}if/rac/vnc-token/`);
      const canvas = page.locator('#rac-screen canvas');
      await canvas.waitFor();
      await eventually('the canvas shows the green window', async () => {
        const rgb = await page.evaluate<string>(CANVAS_PIXEL);
        return rgb === '0,255,0';
      });
      assert.equal(await page.locator('#rac-status').textContent(), '');

      const xev = vnc.client('xev', ['-geometry', '800x600+0+0', '-event', 'keyboard']);
      await new Promise((r) => setTimeout(r, 500));
      await canvas.click({ position: { x: 400, y: 300 } });
      await eventually('xev hears the keys typed in the page', async () => {
        await page.keyboard.type('z');
        return /KeyPress event[\s\S]*keysym 0x7a, z/.test(xev.output());
      });
      assert.ok(!carried().includes(PASSWORD), 'the VNC password never crossed the browser socket');
      await page.close();
      xev.kill();
      await eventually('the outpost closed the connection when the page left', () => rac.lastActive() === 0);
    });

    it('runs what is typed in the terminal: a command writes a file in the test folder', async () => {
      const page = await browser.newPage({ viewport: { width: 900, height: 500 } });
      const carried = recordSockets(page);
      await page.goto(`${rac.core.url}if/rac/ssh-token/`);
      await page.locator('.xterm-rows').getByText('root@').first().waitFor();
      const made = join(dir, 'from-the-terminal');
      await page.locator('.xterm').click();
      await page.keyboard.type(`echo typed-in-chromium > ${made}`);
      await page.keyboard.press('Enter');
      await eventually(
        'the file appears',
        () => existsSync(made) && readFileSync(made, 'utf8') === 'typed-in-chromium\n',
      );
      assert.ok(!carried().includes('PRIVATE KEY'), 'the SSH key never crossed the browser socket');
      await page.close();
    });

    it('says why when the target refuses', async () => {
      const page = await browser.newPage();
      await page.goto(`${rac.core.url}if/rac/refused-token/`);
      await page.locator('#rac-status[data-kind="ended"]').waitFor();
      assert.equal(await page.locator('#rac-status').textContent(), 'target refused: connection refused');
      await page.close();
    });
  },
);
