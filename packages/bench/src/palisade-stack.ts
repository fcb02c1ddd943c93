/**
 * A core (`npm start`), provisioned through its admin API, with a proxy outpost process serving its
 * applications and a user signed in to one of them: what the request-path benchmarks measure against.
 * Built on the end-to-end helpers (packages/e2e/src), so the benchmarks run what the e2e suites test.
 */
import {
  type AppSpec,
  type ForwardAuthStack,
  startForwardAuthStack,
} from '../../e2e/src/forward-auth-stack.ts';
import { type OutpostProcess, startOutpostProcess } from '../../e2e/src/outpost-process.ts';
import { signInOverHttp } from './http-sign-in.ts';

export const BENCH_USER = {
  username: 'bench',
  password: 'bench-password-1',
  name: 'Bench User',
  groups: ['bench'],
};

/** What the benchmarks get. */
export interface PalisadeStack {
  stack: ForwardAuthStack;
  outpost: OutpostProcess;
  /** The Cookie header of the signed-in session, for `signInTo`. */
  cookie: string;
  close(): Promise<void>;
}

/** Starts the core and an outpost for `apps`, and signs BENCH_USER in to the app whose host is `signInTo`. */
export async function startPalisadeStack(options: {
  apps: AppSpec[];
  /** The external host (`http://name`) to sign in to; the first app's when absent. */
  signInTo?: string;
  /** More environment for the outpost process (e.g. NODE_OPTIONS for a profile). */
  outpostEnv?: Record<string, string>;
}): Promise<PalisadeStack> {
  const stack = await startForwardAuthStack({ apps: options.apps, users: [BENCH_USER] });
  let outpost: OutpostProcess | undefined;
  try {
    const appUrl = options.signInTo ?? options.apps[0]?.externalHost ?? '';
    outpost = await startOutpostProcess({
      coreUrl: stack.core.url,
      token: stack.outpostToken,
      readyHost: new URL(appUrl).host,
      timeoutMs: 120_000,
      env: options.outpostEnv,
    });
    const cookie = await signInOverHttp({
      appUrl,
      appAddress: { host: '127.0.0.1', port: outpost.port },
      username: BENCH_USER.username,
      password: BENCH_USER.password,
    });
    const started = outpost;
    return {
      stack,
      outpost,
      cookie,
      close: async () => {
        await started.stop();
        await stack.close();
      },
    };
  } catch (error) {
    await outpost?.stop();
    await stack.close();
    throw error;
  }
}
