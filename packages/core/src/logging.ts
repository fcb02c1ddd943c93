import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * The core's logger: JSON lines with the service name, secrets redacted wherever a log call might carry
 * them (request headers, bodies' password and key fields). Request-scoped lines get `reqId` from Fastify.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'palisade-core' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.key',
          '*.token',
          '*.secret_key',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
