import { REDACTED, redactUrl } from '@palisade/schema/redact-url';

/**
 * Field names whose value is a credential or a whole request body wherever they appear in a log line
 * (compared in lower case): headers that carry credentials, OAuth2 and sign-in form fields, and bodies.
 */
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'client_secret',
  'access_token',
  'refresh_token',
  'id_token',
  'code_verifier',
  'secret_key',
  'body',
  'form',
]);

/** How deep a log line's objects are looked into; deeper values are logged as they are. */
const MAX_DEPTH = 8;

function redactValue(value: unknown, depth: number): unknown {
  // Only a string that can carry a query or fragment can hold a URL credential; the rest is left alone.
  if (typeof value === 'string') return /[?#]/.test(value) ? redactUrl(value) : value;
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value instanceof Error) {
    // The stack repeats the message, so both lose what the message carried.
    const message = redactValue(value.message, depth + 1) as string;
    const stack = redactValue(value.stack, depth + 1) as string | undefined;
    if (message === value.message && stack === value.stack) return value;
    return Object.assign(Object.create(value) as Error, { message, stack });
  }
  // Class instances (Fastify's request and reply) are left to their serializers, which run after this.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    out[name] = SECRET_FIELDS.has(name.toLowerCase()) ? REDACTED : redactValue(field, depth + 1);
  }
  return out;
}

/**
 * A log line's fields with credentials taken out (issue 13, finding 4): every URL-like string has its secret
 * query and fragment parameters replaced (codes, state, tokens, id_token_hint, passwords: see
 * @palisade/schema/redact-url), and fields named for credentials, headers that carry them, or bodies are
 * replaced whole, at any depth.
 */
export function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactValue(fields, 0) as Record<string, unknown>;
}
