import { type Command, EXIT, type Io } from './command.ts';

/** The outpost config's log levels (seed 000) as pino names them. */
const PINO_LEVELS: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
};

/** `palisade outpost`: runs the proxy outpost until SIGINT or SIGTERM. */
export const outpostRunCommand: Command = {
  name: 'outpost',
  summary: 'Run the proxy outpost (configured by AUTHENTIK_* variables) until SIGINT or SIGTERM.',
  usage: `Usage: palisade outpost
       palisade outpost healthcheck
       palisade outpost manifest <name> [--format compose|kubernetes]

Runs the proxy outpost: it finds its outpost with its token, fetches its providers from the core, keeps a
websocket to it, and serves 9000 (HTTP), 9443 (HTTPS) and 9300 (/metrics, unauthenticated: never publish it).
It reads only the environment (see docs/outposts.md, "Running the proxy outpost"):
  AUTHENTIK_HOST                 the core's URL (required; may carry a path prefix)
  AUTHENTIK_TOKEN                the outpost's token key (required)
  AUTHENTIK_INSECURE             true: do not verify the core's TLS certificate
  AUTHENTIK_HOST_BROWSER         the core's URL as browsers reach it, when it differs
  AUTHENTIK_LISTEN__HTTP         default 0.0.0.0:9000
  AUTHENTIK_LISTEN__HTTPS        default 0.0.0.0:9443
  AUTHENTIK_LISTEN__METRICS      default 0.0.0.0:9300
  AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS  comma-separated CIDRs whose X-Forwarded-* headers are believed
Values may be file://<path> or env://<VARIABLE>. Logs are JSON lines on stdout. SIGUSR1 fetches the
configuration again; SIGINT or SIGTERM closes the websocket, lets in-flight requests finish (up to 10 s)
and exits 0.`,
  argumentNames: [],
  options: {},
  async run(_args, io) {
    // Loaded here, not at the top: --help and usage errors stay instant.
    const { loadOutpostEnv } = await import('@palisade/outpost/process/env');
    loadOutpostEnv(io.env);
    const { createOutpostProxyRuntime: createRuntime } = await import('@palisade/outpost/proxy/create');
    const { startOutpost } = await import('@palisade/outpost/process/main');
    const logger = await outpostLogger(io);

    // A signal while the core is still awaited ends the wait; afterwards startOutpost handles them.
    const early = new AbortController();
    const onEarly = () => early.abort();
    process.once('SIGINT', onEarly);
    process.once('SIGTERM', onEarly);
    let exited: (code: number) => void = () => {};
    const exitCode = new Promise<number>((resolve) => (exited = resolve));
    try {
      await startOutpost({
        env: io.env,
        createRuntime,
        listen: true,
        log: logger,
        setLogLevel: (level) => {
          logger.level = PINO_LEVELS[level] ?? 'info';
        },
        handleSignals: true,
        exit: exited,
        signal: early.signal,
      });
    } catch (error) {
      if (early.signal.aborted) return EXIT.ok;
      throw error;
    } finally {
      process.off('SIGINT', onEarly);
      process.off('SIGTERM', onEarly);
    }
    return exitCode;
  },
};

/** `palisade outpost healthcheck`: the container health check (exit 0 when the outpost answers, else 1). */
export const outpostHealthcheckCommand: Command = {
  name: 'outpost healthcheck',
  summary: "Check that this machine's outpost answers on its metrics port (for container health checks).",
  usage: `Usage: palisade outpost healthcheck

Sends HEAD http://<AUTHENTIK_LISTEN__METRICS>/outpost.goauthentik.io/ping (0.0.0.0 is asked on 127.0.0.1)
and exits 0 when it answers below 400, else 1.`,
  argumentNames: [],
  options: {},
  async run(_args, io) {
    const { healthcheck } = await import('@palisade/outpost/process/healthcheck');
    const code = await healthcheck(io.env);
    if (code !== 0) io.stderr('palisade outpost healthcheck: the outpost does not answer\n');
    return code === 0 ? EXIT.ok : EXIT.failed;
  },
};

/**
 * The outpost's log, as the reference writes it: JSON lines with the message under `event`, an ISO
 * `timestamp`, the level's name and `logger`; tokens redacted wherever a line might carry one.
 */
async function outpostLogger(io: Io) {
  const { pino } = await import('pino');
  return pino(
    {
      level: 'info',
      messageKey: 'event',
      base: { logger: 'authentik.outpost' },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*.token', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    { write: (line: string) => io.stdout(line) },
  );
}
