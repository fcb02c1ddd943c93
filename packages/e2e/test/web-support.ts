import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { REPO_ROOT } from '../src/server-process.ts';

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
  landing: RegExp,
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
