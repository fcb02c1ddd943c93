import { type EchoBackend, startEchoBackend } from '../echo-backend.ts';
import { type ForwardAuthStack, startForwardAuthStack } from '../forward-auth-stack.ts';
import { type OutpostProcess, startOutpostProcess } from '../outpost-process.ts';

/** The users of every attack stack: alice may use every application, mallory is refused by `one`. */
export const USERS = {
  alice: { username: 'alice', password: 'alice-Attack-pass-7Q' },
  mallory: { username: 'mallory', password: 'mallory-Attack-pass-4Z' },
} as const;

/** The applications of every attack stack, by role. */
export interface Hosts {
  /** `^/public/` is unauthenticated; only alice may use it. */
  one: string;
  /** No unauthenticated paths; everyone may use it. */
  two: string;
  /** Sessions last a few seconds (the expiry attacks). */
  short: string;
}

/** How long a session of `short` lasts. */
export const SHORT_SESSION_SECONDS = 6;

/** One stack under attack: how a browser reaches each application, and what is behind it. */
export interface AttackWorld {
  /** The stack's name as the test output shows it. */
  name: string;
  /** Which front door: decides the answers a refused request gets (nginx: redirect to start, etc.). */
  kind: 'nginx' | 'ingress-nginx' | 'caddy' | 'traefik' | 'envoy' | 'proxy';
  /** Origin (`http://host:port`) of each application as the browser reaches it. */
  origins: Hosts;
  /** The protected application (one echo backend behind every host). */
  echo: EchoBackend;
  coreUrl: string;
  /** The outpost that answers, reached directly: the standalone process or the core's port. */
  outpostUrl: string;
  /** Everything the core and the outpost wrote so far. */
  logs(): string;
  close(): Promise<void>;
}

/** What startWorld made before the front door goes up. */
export interface WorldParts {
  echo: EchoBackend;
  stack: ForwardAuthStack;
  /** The standalone outpost, unless the embedded one serves. */
  outpost?: OutpostProcess;
  origins: Hosts;
  outpostUrl: string;
  logs(): string;
  close(): Promise<void>;
}

const names = (port: number): Hosts => ({
  one: `http://one.attack.test:${port}`,
  two: `http://two.attack.test:${port}`,
  short: `http://short.attack.test:${port}`,
});

/**
 * Starts the echo backend, a core (logging at info, as in production) with the users and the three
 * applications on `port` (`'core'`: the core's own port, for the embedded outpost), and the outpost that
 * serves them: a standalone `palisade outpost` (log level info), or the embedded one.
 */
export async function startWorld(options: {
  mode: 'forward_single' | 'proxy';
  port: number | 'core';
  embedded?: boolean;
  /** The standalone outpost's own HTTP port (proxy mode: the applications' port). */
  outpostPort?: number;
}): Promise<WorldParts> {
  const echo = await startEchoBackend();
  const parts: Partial<WorldParts> = { echo };
  const close = async () => {
    await parts.outpost?.stop();
    await parts.stack?.close();
    await echo.close();
  };
  try {
    let origins: Hosts | undefined;
    const stack = (parts.stack = await startForwardAuthStack({
      coreEnv: { PALISADE_LOG_LEVEL: 'info' },
      embedded: options.embedded,
      outpostLogLevel: 'info',
      // Seven stacks start one after another on a shared two-core machine: a start is not what is tested.
      startTimeoutMs: 90_000,
      users: Object.values(USERS).map((u) => ({ username: u.username, password: u.password })),
      apps: (coreUrl) => {
        origins = names(options.port === 'core' ? Number(new URL(coreUrl).port) : options.port);
        const internal = options.mode === 'proxy' ? { internalHost: echo.url } : {};
        return [
          {
            slug: 'one',
            externalHost: origins.one,
            mode: options.mode,
            skipPathRegex: '^/public/',
            allowed: ['alice'],
            ...internal,
          },
          { slug: 'two', externalHost: origins.two, mode: options.mode, ...internal },
          {
            slug: 'short',
            externalHost: origins.short,
            mode: options.mode,
            accessTokenValidity: `seconds=${SHORT_SESSION_SECONDS}`,
            ...internal,
          },
        ];
      },
    }));
    if (!origins) throw new Error('no applications provisioned');
    const host = new URL(origins.one).host;
    if (!options.embedded)
      parts.outpost = await startOutpostProcess({
        coreUrl: stack.core.url,
        token: stack.outpostToken,
        readyHost: host,
        port: options.outpostPort,
        timeoutMs: 90_000,
      });
    else await embeddedServes(stack.core.url, host);
    const outpost = parts.outpost;
    return {
      echo,
      stack,
      outpost,
      origins,
      outpostUrl: outpost?.url ?? stack.core.url,
      logs: () => `${stack.core.output()}\n${outpost?.output() ?? ''}`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until the core's embedded outpost has the new providers (it answers 401, not 400, for `host`). */
async function embeddedServes(coreUrl: string, host: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${coreUrl}/outpost.goauthentik.io/auth/nginx`, {
      headers: { 'x-original-url': `http://${host}/` },
      redirect: 'manual',
    });
    // 401 (forward modes) or the redirect to sign in (proxy mode): it knows the application.
    if (res.status === 401 || res.status === 302) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the embedded outpost does not serve ${host}`);
}
