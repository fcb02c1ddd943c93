import { pino } from 'pino';

/** A structured logger (pino's interface, the part the outpost uses). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The outpost config's log levels (seed 000) as pino names them. */
const PINO_LEVELS: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
};

/** The outpost's own log, whose level follows the outpost config's `log_level`. */
export interface OutpostLogger extends Logger {
  /** Applies a `log_level` (trace|debug|info|warning|error); anything else means info. */
  setLevel(level: string): void;
}

/**
 * The outpost's log, as the reference writes it: JSON lines with the message under `event`, an ISO
 * `timestamp`, the level's name and `logger`; tokens redacted wherever a line might carry one.
 */
export function createOutpostLogger(write: (line: string) => void): OutpostLogger {
  const logger = pino(
    {
      level: 'info',
      messageKey: 'event',
      base: { logger: 'authentik.outpost' },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*.token', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    { write },
  );
  return {
    debug: (obj, msg) => logger.debug(obj, msg),
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
    setLevel(level) {
      logger.level = PINO_LEVELS[level] ?? 'info';
    },
  };
}
