import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '@palisade/schema/errors';
import { ApiError } from './api-error.ts';

/**
 * Deepest nesting of objects and arrays a JSON body may have, the body itself counting as one level. API
 * objects are shallow; `attributes` are free-form but no real use nests them this far, and unbounded depth
 * makes every later recursive step (validation, serialisation, the database's jsonb) a stack overflow.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a JSON text nests objects and arrays deeper than `max`, found by one scan of the text without
 * parsing it (so without recursion: a 10,000-deep body costs the same as a flat one of its size). Brackets
 * inside strings do not count. Malformed text is left to the parser to report.
 */
export function isJsonTooDeep(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The 400 a too-deep JSON body or parameter answers, in the contract's ValidationError shape. */
export function nestingTooDeep(field = 'non_field_errors'): ApiError {
  return new ApiError('nesting_too_deep', undefined, { [field]: [ERROR_CODES.nesting_too_deep.message] });
}

/**
 * Replaces the JSON body parser with Fastify's own behind a depth check, so every JSON body of every route
 * (API, and anything else parsing JSON bodies at the root) is refused with 400 `nesting_too_deep` first.
 */
export function installJsonDepthLimit(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body); // parseAs: 'string' hands over a string
    if (isJsonTooDeep(text)) {
      done(nestingTooDeep(), undefined);
      return;
    }
    parse(request, text, done);
  });
}
