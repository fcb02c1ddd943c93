import { ERROR_CODES, type ErrorCode } from '@palisade/schema/errors';

/** An error the API answers with a stable code; the message is safe to show, details go to the log. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  /** For validation errors: field name -> messages, in the contract's ValidationError shape. */
  readonly fields: Record<string, string[]> | undefined;

  constructor(code: ErrorCode, detail?: string, fields?: Record<string, string[]>) {
    super(detail ?? ERROR_CODES[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
    this.fields = fields;
  }
}

/** A 400 with messages per field, in the contract's ValidationError shape. */
export function validationFailed(fields: Record<string, string[]>, code: ErrorCode = 'invalid'): ApiError {
  return new ApiError(code, ERROR_CODES[code].message, fields);
}

/** A 404 for an object that does not exist (or that the caller may not see). */
export function notFound(): ApiError {
  return new ApiError('not_found');
}

/** Throws `error` unless `condition` holds; reads like the rule it checks. */
export function assertThat(condition: unknown, error: () => ApiError): asserts condition {
  if (!condition) throw error();
}

/** Answers whether an error is PostgreSQL's unique violation, and on which constraint. */
export function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: string; constraint?: string; detail?: string } | null;
  return e?.code === '23505' ? (e.constraint ?? e.detail ?? 'unique') : undefined;
}
