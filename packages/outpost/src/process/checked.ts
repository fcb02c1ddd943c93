import { registerWireFormats } from '@palisade/schema/formats';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/**
 * An answer or frame of the core that does not fit its schema (or is not JSON at all): nothing of it is
 * used. `field` is the JSON pointer of the first part that failed (`/results/0/mode`), '' for the whole.
 */
export class CoreAnswerError extends Error {
  override name = 'CoreAnswerError';
  readonly field: string;
  constructor(where: string, field: string, reason: string) {
    super(`${where}: ${field ? `${field} ` : ''}${reason}`);
    this.field = field;
  }
}

/** A compiled check of one wire shape: the value, typed, or a CoreAnswerError naming the failing field. */
export type Checker<T> = (value: unknown, where: string) => T;

registerWireFormats();

/**
 * Compiles `schema` once (TypeBox's TypeCompiler, as fast as a hand-written check) into a Checker. The
 * message quotes the schema's expectation, never the value, so a secret in a malformed answer stays out
 * of the log.
 */
export function compileChecker<T extends TSchema>(schema: T): Checker<Static<T>> {
  const compiled = TypeCompiler.Compile(schema);
  return (value, where) => {
    if (compiled.Check(value)) return value;
    const first = compiled.Errors(value).First();
    throw new CoreAnswerError(where, first?.path ?? '', first?.message.toLowerCase() ?? 'does not fit');
  };
}

/** Parses a JSON body; truncated or garbled text is a CoreAnswerError, as a body that does not fit. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Only the position: V8's message may quote the text, and a truncated answer may hold a secret.
    const at = /position \d+/.exec((error as Error).message)?.[0];
    throw new CoreAnswerError(where, '', `is not JSON (truncated or garbled${at ? ` at ${at}` : ''})`);
  }
}
