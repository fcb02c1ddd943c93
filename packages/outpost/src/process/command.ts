import { OutpostEnvError } from './env.ts';
import { healthcheck } from './healthcheck.ts';
import { createOutpostLogger } from './logger.ts';
import { startOutpost } from './main.ts';
import { stopWithNpm } from './parent-watch.ts';
import { UnknownOutpostTypeError } from './modules.ts';
import { OutpostStartupError } from './refresh.ts';
import { OUTPOST_ENVIRONMENT_HELP, OUTPOST_HEALTHCHECK_HELP, OUTPOST_RUN_HELP } from './usage.ts';

/** Exit codes, as the core's command uses them. */
export const OUTPOST_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where the command writes, and what it reads. */
export interface OutpostIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

const USAGE = `Usage: palisade-outpost
       palisade-outpost healthcheck

${OUTPOST_RUN_HELP}
${OUTPOST_ENVIRONMENT_HELP}

healthcheck: ${OUTPOST_HEALTHCHECK_HELP}
`;

/**
 * Runs the outpost until SIGINT or SIGTERM; resolves with the exit code. An environment that does not
 * hold is thrown as an OutpostEnvError (every problem, one a line) before anything starts; a token whose
 * outpost this build cannot run is thrown as an UnknownOutpostTypeError.
 */
export async function runOutpost(io: OutpostIo): Promise<number> {
  const log = createOutpostLogger(io.stdout);
  // A signal while the core is still awaited ends the wait; afterwards startOutpost handles them.
  const early = new AbortController();
  const onEarly = () => early.abort();
  process.once('SIGINT', onEarly);
  process.once('SIGTERM', onEarly);
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  // Under `npx palisade outpost`, npm's exit is the signal npm did not pass on.
  const unwatch = stopWithNpm(io.env);
  void exitCode.then(unwatch);
  try {
    await startOutpost({
      env: io.env,
      listen: true,
      log,
      setLogLevel: (level) => log.setLevel(level),
      handleSignals: true,
      exit: exited,
      signal: early.signal,
    });
  } catch (error) {
    unwatch();
    if (early.signal.aborted) return OUTPOST_EXIT.ok;
    throw error;
  } finally {
    process.off('SIGINT', onEarly);
    process.off('SIGTERM', onEarly);
  }
  return exitCode;
}

/** The health check: exit 0 while this machine's outpost answers its ping, else 1 (with a line). */
export async function runHealthcheck(io: OutpostIo): Promise<number> {
  const code = await healthcheck(io.env);
  if (code !== 0) io.stderr('the outpost does not answer on its metrics port\n');
  return code === 0 ? OUTPOST_EXIT.ok : OUTPOST_EXIT.failed;
}

/** `palisade-outpost [healthcheck]`: the outpost package's own command. */
export async function outpostMain(argv: readonly string[], io: OutpostIo): Promise<number> {
  const name = 'palisade-outpost';
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(USAGE);
    return OUTPOST_EXIT.ok;
  }
  if ((first !== undefined && first !== 'healthcheck') || rest.length > 0) {
    io.stderr(
      `${name}: unexpected argument ${JSON.stringify(first === 'healthcheck' ? rest[0] : first)}\n\n${USAGE}`,
    );
    return OUTPOST_EXIT.usage;
  }
  try {
    return first === 'healthcheck' ? await runHealthcheck(io) : await runOutpost(io);
  } catch (error) {
    io.stderr(`${name}: ${(error as Error).message}\n`);
    if (error instanceof OutpostEnvError) return OUTPOST_EXIT.usage;
    if (!(error instanceof UnknownOutpostTypeError || error instanceof OutpostStartupError)) {
      io.stderr(`${(error as Error).stack ?? ''}\n`);
    }
    return OUTPOST_EXIT.failed;
  }
}
