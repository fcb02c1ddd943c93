import { type DestinationStream, type Logger, pino } from 'pino';
import { redactUrl } from '@palisade/schema/redact-url';
import { redactLogFields } from './log-redaction.ts';

/** What a request is logged as: never its headers or body, and its URL without credentials. */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * The core's logger: JSON lines with the service name, secrets redacted wherever a log call might carry
 * them: request URLs lose their codes, tokens, state and passwords; Authorization, Cookie and bodies are
 * never written (log-redaction.ts). Request-scoped lines get `reqId` from Fastify.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'palisade-core' },
      // Fastify's own request serializer would log the raw URL (callbacks carry `code=`, sign-outs
      // `id_token_hint=`): this one wins over it (Fastify merges the logger's serializers last).
      serializers: {
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
      formatters: { log: redactLogFields },
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
