/**
 * The registry of stable error codes the API answers with. Every error response carries one of these in
 * `code`; clients and tests key on the code, never on the message. docs/api.md lists them, and a test checks
 * that it lists every one.
 */
export const ERROR_CODES = {
  not_authenticated: { status: 403, message: 'Authentication credentials were not provided.' },
  authentication_failed: { status: 403, message: 'Invalid, expired or revoked credentials.' },
  permission_denied: { status: 403, message: 'You do not have permission to perform this action.' },
  csrf_failed: { status: 403, message: 'CSRF token missing or incorrect.' },
  not_found: { status: 404, message: 'Not found.' },
  invalid: { status: 400, message: 'Invalid input.' },
  malformed_body: { status: 400, message: 'The request body is not valid JSON.' },
  body_too_large: { status: 400, message: 'The request body is too large.' },
  invalid_host: { status: 400, message: 'The Host header does not name a valid host.' },
  nesting_too_deep: { status: 400, message: 'JSON may nest objects and arrays at most 64 levels deep.' },
  unsupported_media_type: { status: 400, message: 'The request body must be application/json.' },
  unique: { status: 400, message: 'An object with this value already exists.' },
  protected_object: { status: 400, message: 'This object is managed by Palisade and cannot be deleted.' },
  rate_limited: { status: 429, message: 'Too many attempts. Try again later.' },
  unavailable: { status: 503, message: 'The service is not ready.' },
  database_unavailable: { status: 503, message: 'The database is unavailable. Try again shortly.' },
  internal: { status: 500, message: 'Internal server error.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** One of the registered error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The body of a non-validation error (the contract's GenericError). */
export interface GenericErrorBody {
  detail: string;
  code: ErrorCode;
}

/** The body of a validation error (the contract's ValidationError): field name -> messages. */
export type ValidationErrorBody = { [field: string]: string[] | string } & { code?: string };
