import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { launchChromium } from '../src/browser.ts';
import { REPO_ROOT, type ServerProcess, startServerProcess } from '../src/server-process.ts';

/** Where the console suites save their screenshots (gitignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'packages', 'e2e', 'screenshots');

/** Fails early, and says how to fix it, when the console was not built (npm ci builds it). */
export function assertConsoleBuilt(): void {
  const index = join(REPO_ROOT, 'packages', 'web', 'dist', 'admin', 'index.html');
  assert.ok(existsSync(index), `${index} is missing: run npm ci (or npm run build -w @palisade/web)`);
}

/** Saves a full-page screenshot named `name.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the real sign-in form the console redirected to, and waits to be back at `landing`. */
export async function signInThroughForm(
  page: Page,
  username: string,
  password: string,
  landing: RegExp | ((url: URL) => boolean),
): Promise<void> {
  await page.waitForURL(/\/if\/flow\/default-authentication-flow\//);
  await page.fill('#uid_field', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(landing), page.click('button[type=submit]')]);
}

/**
 * Records console errors and uncaught page errors, which the suites require to stay empty. Chromium logs
 * every 4xx answer of a fetch; a step that provokes one on purpose says so with `allowOnce`.
 */
export function collectBrowserErrors(page: Page, into: string[]): { allowOnce: (pattern: RegExp) => void } {
  const allowed: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = `${message.text()} (${message.location().url})`;
    const i = allowed.findIndex((pattern) => pattern.test(text));
    if (i >= 0) allowed.splice(i, 1);
    else into.push(text);
  });
  page.on('pageerror', (error) => into.push(`page error: ${error.message}`));
  return { allowOnce: (pattern) => allowed.push(pattern) };
}

/**
 * Waits until the selects `field-<name>` have their options (lists the form loads). A locator rather than
 * waitForFunction: the console's CSP forbids the string evaluation that one does in the page.
 */
export async function waitForOptions(page: Page, ...names: string[]): Promise<void> {
  for (const name of names)
    await page.locator(`#field-${name} option`).first().waitFor({ state: 'attached' });
}

/**
 * Waits until the input `field-<name>` holds a value (one the form fills in from lists it loads) and
 * returns it; polled from here, since the console's CSP forbids waitForFunction's string evaluation.
 */
export async function filledValue(page: Page, name: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.locator(`#field-${name}`).inputValue();
    if (value || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every visible control of the page without a label (its id, name or type), for a check that there is none. */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.id || el.name || el.type)`);
}

/** An outpost instance as far as health goes: its websocket, saying HELLO as outposts do. */
export async function connectInstance(baseUrl: string, outpostUuid: string, key: string): Promise<WebSocket> {
  const socket = new WebSocket(
    `${baseUrl.replace(/^http/, 'ws')}/ws/outpost/${outpostUuid}/?instance_uuid=e2e-1`,
    {
      headers: { authorization: `Bearer ${key}` },
    },
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const hello = {
    version: '0.1.0',
    hostname: 'outpost-e2e',
    buildHash: '',
    golangVersion: '',
    opensslEnabled: false,
  };
  socket.send(JSON.stringify({ instruction: 1, args: hello }));
  await new Promise((resolve) => socket.once('message', resolve));
  return socket;
}

/** A bearer-token API client for checking what the console did. */
export function apiClient(baseUrl: () => string, token: string) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl()}/api/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** A console suite's parts: a real server, Chromium at 1280 px, the page's errors, and an API client. */
export interface ConsoleSession {
  server: ServerProcess;
  browser: Browser;
  page: Page;
  /** The page's console and page errors so far (a suite ends by requiring none). */
  errors: string[];
  browserErrors: ReturnType<typeof collectBrowserErrors>;
  /** The API as the bootstrap superuser's token, for checking what the console did. */
  api: ReturnType<typeof apiClient>;
  stop: () => Promise<void>;
}

/** The bootstrap superuser's password in console suites. */
export const ADMIN_PASSWORD = 'admin-password-1';

/**
 * Starts a server and Chromium for a console suite; with `signInAt`, opens that admin path and signs in
 * through the real sign-in form on the way.
 */
export async function startConsoleSession(options: { signInAt?: string } = {}): Promise<ConsoleSession> {
  assertConsoleBuilt();
  const token = randomBytes(24).toString('hex');
  const server = await startServerProcess({
    env: { PALISADE_BOOTSTRAP_TOKEN: token, PALISADE_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD },
  });
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  const errors: string[] = [];
  const browserErrors = collectBrowserErrors(page, errors);
  page.setDefaultTimeout(10_000);
  if (options.signInAt) {
    await page.goto(`${server.url}/if/admin${options.signInAt}`);
    const path = `/if/admin${options.signInAt}`;
    await signInThroughForm(page, 'akadmin', ADMIN_PASSWORD, (url) => url.pathname === path);
  }
  return {
    server,
    browser,
    page,
    errors,
    browserErrors,
    api: apiClient(() => server.url, token),
    stop: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** Submits the open dialog with its button `label` and waits for it to close (the save succeeded). */
export async function submitDialog(page: Page, label: string): Promise<void> {
  const dialog = page.locator('dialog');
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * Submits the open dialog expecting the server's 400 for the API path `path`, and returns the message shown
 * at `#error-<field>`. It is read only once the server has answered: the form clears the last message on
 * submit, so what shows after the 400 is this answer's.
 */
export async function submitRefused(
  session: ConsoleSession,
  label: string,
  path: RegExp,
  field: string,
): Promise<Locator> {
  const { page } = session;
  session.browserErrors.allowOnce(new RegExp(`status of 400 .*${path.source}`));
  const answered = page.waitForResponse((r) => r.status() === 400 && r.request().method() !== 'GET');
  await page.locator('dialog').getByRole('button', { name: label, exact: true }).click();
  await answered;
  const message = page.locator(`dialog #error-${field}`);
  await message.waitFor();
  return message;
}
