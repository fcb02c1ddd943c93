import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  sshClientKey,
  sshdUnavailable,
  startSshd,
} from '../../core/test/integrations/docker/support/remote.ts';
import { CANVAS_PIXEL, recordTraffic } from '../../outpost/test/rac/support/page-probes.ts';
import { startVncServer, type VncServer, vncUnavailable } from '../../outpost/test/rac/support/x-display.ts';
import { adminApi, type AdminApi } from '../src/admin-api.ts';
import { launchChromium } from '../src/browser.ts';
import { OUTPOST_COMMAND } from '../src/outpost-process.ts';
import { freePort, REPO_ROOT, type ServerProcess, startServerProcess } from '../src/server-process.ts';
import { assertConsoleBuilt, signInThroughForm } from './web-support.ts';

const VNC_PASSWORD = 'e2e-vnc-password';
const USER = { username: 'remote-user', password: 'remote-user-password-1' };
const TOKEN_PAGE = /\/if\/rac\/[A-Za-z0-9_-]{43}\/$/;

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 15_000) => {
  for (let waited = 0; !(await check()); waited += 50) {
    if (waited > ms) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Everything the pages of `context` received or sent (HTTP, text answers, every websocket frame). */
function networkLog(context: BrowserContext): () => string {
  const seen: string[] = [];
  context.on('page', (page) => recordTraffic(page, seen, { http: true }));
  return () => seen.join('\n');
}

describe(
  'RAC in Chromium: the real core, the real outpost, x11vnc and sshd',
  {
    skip: vncUnavailable() ?? sshdUnavailable(),
  },
  () => {
    let dir: string;
    let server: ServerProcess;
    let api: AdminApi;
    let vnc: VncServer;
    let sshd: { port: number; stop(): void };
    let sshKey: string;
    let outpost: ChildProcess;
    let outpostLog = '';
    let metricsPort: number;
    let browser: Browser;
    let context: BrowserContext;
    let carried: () => string;
    const endpoints: Record<string, string> = {};
    const launch = (name: string) => `${server.url}/application/rac/desk/${endpoints[name]}/`;
    const live = async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return [...text.matchAll(/^authentik_outpost_rac_connections\{[^}]*\} (\d+)$/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    };

    before(async () => {
      assertConsoleBuilt();
      dir = await mkdtemp(join(tmpdir(), 'rac-e2e-'));
      vnc = await startVncServer(dir, VNC_PASSWORD, 800, 600);
      const key = await sshClientKey(dir);
      sshKey = key.key;
      sshd = await startSshd(dir, key.publicKey, join(dir, 'no-docker.sock'));
      const token = randomBytes(24).toString('hex');
      server = await startServerProcess({ env: { PALISADE_BOOTSTRAP_TOKEN: token } });
      api = adminApi(server.url, token);

      const flows = (
        await api<{ results: Array<{ pk: string; slug: string }> }>('GET', '/flows/instances/?page_size=100')
      ).results;
      const flow = (slug: string) => flows.find((f) => f.slug === slug)?.pk;
      const provider = await api<{ pk: number }>('POST', '/providers/rac/', {
        name: 'Desk',
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
      });
      await api('POST', '/core/applications/', { name: 'Desk', slug: 'desk', provider: provider.pk });
      for (const [name, body] of Object.entries({
        screen: { protocol: 'vnc', host: `127.0.0.1:${vnc.port}`, settings: { password: VNC_PASSWORD } },
        shell: {
          protocol: 'ssh',
          host: `127.0.0.1:${sshd.port}`,
          settings: { username: 'root', 'private-key': sshKey },
        },
      })) {
        const created = await api<{ pk: string }>('POST', '/rac/endpoints/', {
          name,
          provider: provider.pk,
          auth_mode: 'static',
          maximum_connections: 1,
          ...body,
        });
        endpoints[name] = created.pk;
      }
      const user = await api<{ pk: number }>('POST', '/core/users/', {
        username: USER.username,
        name: 'Remote',
      });
      await api('POST', `/core/users/${user.pk}/set_password/`, { password: USER.password });

      const created = await api<{ token_identifier: string }>('POST', '/outposts/instances/', {
        name: 'e2e rac',
        type: 'rac',
        providers: [provider.pk],
        // info: the start line this suite waits for (the default follows the core's warn).
        config: { authentik_host: server.url, log_level: 'info' },
      });
      const { key: outpostToken } = await api<{ key: string }>(
        'GET',
        `/core/tokens/${created.token_identifier}/view_key/`,
      );
      metricsPort = await freePort();
      outpost = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'node'), [...OUTPOST_COMMAND], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          AUTHENTIK_HOST: server.url,
          AUTHENTIK_TOKEN: outpostToken,
          AUTHENTIK_LISTEN__METRICS: `127.0.0.1:${metricsPort}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      outpost.stdout?.on('data', (c) => (outpostLog += c));
      outpost.stderr?.on('data', (c) => (outpostLog += c));
      await until('the outpost started', () => outpostLog.includes('outpost started'), 30_000).catch(
        (error: Error) => {
          throw new Error(`${error.message} (exit ${outpost.exitCode}):\n${outpostLog}`);
        },
      );

      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 800, height: 600 } });
      carried = networkLog(context);
    });
    after(async () => {
      await browser?.close();
      if (outpost && outpost.exitCode === null) {
        const exited = new Promise((r) => outpost.once('exit', r));
        outpost.kill();
        await exited;
      }
      await server?.stop();
      sshd?.stop();
      await vnc?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    let screenPage: Page;
    let shellPage: Page;

    it('opens the VNC endpoint: the canvas shows the window drawn on the display, and typed keys arrive', async () => {
      vnc.client('xmessage', ['-bg', '#0000ff', '-fg', '#0000ff', '-geometry', '800x600+0+0', 'x']);
      screenPage = await context.newPage();
      await screenPage.goto(launch('screen'));
      await signInThroughForm(screenPage, USER.username, USER.password, TOKEN_PAGE);
      const canvas = screenPage.locator('#rac-screen canvas');
      await canvas.waitFor();
      await until(
        'the canvas shows the blue window',
        async () => (await screenPage.evaluate<string>(CANVAS_PIXEL)) === '0,0,255',
      );

      const xev = vnc.client('xev', ['-geometry', '800x600+0+0', '-event', 'keyboard']);
      await new Promise((r) => setTimeout(r, 500));
      await canvas.click({ position: { x: 400, y: 300 } });
      await until('xev hears the key typed in Chromium', async () => {
        await screenPage.keyboard.type('k');
        return /KeyPress event[\s\S]*keysym 0x6b, k/.test(xev.output());
      });
    });

    it("a second tab beyond the endpoint's limit gets the limit message", async () => {
      const second = await context.newPage();
      await second.goto(launch('screen'));
      await second.getByText('Maximum connection limit reached').waitFor();
      assert.match(await second.content(), /You are already connected in another tab\/window/);
      await second.close();
    });

    it('opens the SSH endpoint: a command typed in the terminal writes a file in the test folder', async () => {
      shellPage = await context.newPage();
      await shellPage.goto(launch('shell'));
      await shellPage.waitForURL(TOKEN_PAGE);
      await shellPage.locator('.xterm-rows').getByText('root@').first().waitFor();
      const made = join(dir, 'typed-in-the-terminal');
      await shellPage.locator('.xterm').click();
      await shellPage.keyboard.type(`echo from-chromium > ${made}`);
      await shellPage.keyboard.press('Enter');
      await until(
        'the file appears',
        () => existsSync(made) && readFileSync(made, 'utf8') === 'from-chromium\n',
      );
      assert.equal(await live(), 2, 'the outpost holds both connections');
    });

    it('signing out closes both connections, and the pages say why', async () => {
      const signOut = await context.newPage();
      await signOut.goto(`${server.url}/if/flow/default-invalidation-flow/`);
      await signOut.click('button[type=submit]');
      for (const page of [screenPage, shellPage]) {
        await page.locator('#rac-status[data-kind="ended"]').waitFor({ timeout: 5000 });
        assert.match((await page.locator('#rac-status').textContent()) ?? '', /signed out/);
      }
      await until('the outpost closed both', async () => (await live()) === 0, 5000);
    });

    it('the browser never saw the VNC password or the SSH key', () => {
      const log = carried();
      assert.ok(log.length > 10_000, 'the log holds the traffic');
      assert.ok(!log.includes(VNC_PASSWORD), 'no VNC password');
      assert.ok(!log.includes('PRIVATE KEY') && !log.includes(sshKey.split('\n')[1] ?? '-'), 'no SSH key');
    });
  },
);
