import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { docSnippet, fillSnippet } from './doc-snippets.ts';
import { type EchoBackend, startEchoBackend } from './echo-backend.ts';
import { type AppSpec, type ForwardAuthStack, startForwardAuthStack } from './forward-auth-stack.ts';
import { type Nginx, startNginx } from './nginx.ts';
import { type OutpostProcess, startOutpostProcess } from './outpost-process.ts';
import { freePort } from './server-process.ts';

/** One forward_single application behind real nginx, configured as docs/forward-auth/nginx.md says. */
export interface NginxForwardAuth {
  /** `http://<host>:<port>`, what the browser opens. */
  appUrl: string;
  stack: ForwardAuthStack;
  outpost: OutpostProcess;
  nginx: Nginx;
  echo: EchoBackend;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Starts the echo backend, a core provisioned with `users` and one application on `host` (its provider as
 * `app` adds), a `palisade outpost` for it, nginx from the documented snippet in front of both, and
 * headless Chromium resolving `host` to this machine.
 */
export async function startNginxForwardAuth(options: {
  host: string;
  users: Parameters<typeof startForwardAuthStack>[0]['users'];
  app: Omit<AppSpec, 'externalHost' | 'mode'>;
}): Promise<NginxForwardAuth> {
  const running: Partial<NginxForwardAuth> = {};
  const close = async () => {
    await running.browser?.close();
    await running.nginx?.stop();
    await running.outpost?.stop();
    await running.stack?.close();
    await running.echo?.close();
  };
  try {
    const echo = (running.echo = await startEchoBackend());
    const port = await freePort();
    const appUrl = `http://${options.host}:${port}`;
    const stack = (running.stack = await startForwardAuthStack({
      users: options.users,
      apps: [{ ...options.app, externalHost: appUrl, mode: 'forward_single' }],
    }));
    const outpost = (running.outpost = await startOutpostProcess({
      coreUrl: stack.core.url,
      token: stack.outpostToken,
      readyHost: `${options.host}:${port}`,
    }));
    const snippet = fillSnippet(await docSnippet('forward-auth/nginx.md', 'nginx'), {
      'listen 80;': `listen 127.0.0.1:${port};`,
      'server_name app.example.com;': `server_name ${options.host};`,
      'outpost.internal:9000': `127.0.0.1:${outpost.port}`,
      'backend.internal:8080': `127.0.0.1:${echo.port}`,
    });
    const nginx = (running.nginx = await startNginx(port, snippet));
    const browser = (running.browser = await launchChromium({ loopbackHosts: [options.host] }));
    return { appUrl, stack, outpost, nginx, echo, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
