import { ERROR_CODES } from '@palisade/schema/errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { ApiError } from './api-error.ts';

/** Seconds a client is asked to wait before retrying while the database is away (the flow pages use it too). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Turns every failure into the contract's error shapes: validation problems into a 400 ValidationError with
 * messages per field, everything else into a GenericError with a stable code. A 5xx answers a generic body
 * and logs the detail, so internals never reach a client.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      if (error.fields) return reply.status(error.statusCode).send({ ...error.fields, code: error.code });
      return reply.status(error.statusCode).send({ detail: error.message, code: error.code });
    }
    if (error.validation) {
      return reply.status(400).send({ ...fieldErrors(error), code: 'invalid' });
    }
    const mapped = FASTIFY_CODES[error.code ?? ''];
    if (mapped) {
      request.log.info({ err: { code: error.code, message: error.message } }, 'request rejected');
      return reply.status(400).send({ non_field_errors: [ERROR_CODES[mapped].message], code: mapped });
    }
    if (isDatabaseUnavailable(error)) {
      // Not the request's fault and not a bug: the database is stopped, restarting or cut off.
      request.log.warn(
        { err: { code: (error as { code?: unknown }).code, message: error.message } },
        'database unavailable',
      );
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return reply
        .status(503)
        .send({ detail: ERROR_CODES.database_unavailable.message, code: 'database_unavailable' });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ detail: ERROR_CODES.internal.message, code: 'internal' });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ detail: ERROR_CODES.not_found.message, code: 'not_found' }),
  );
}

// Fastify's own body errors, answered as 400 validation errors as the contract declares for every operation.
const FASTIFY_CODES: Record<string, 'malformed_body' | 'body_too_large' | 'unsupported_media_type'> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

function fieldErrors(error: FastifyError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.validation ?? []) {
    const params = issue.params as Record<string, unknown>;
    let field = issue.instancePath.split('/').filter(Boolean)[0] ?? '';
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'additionalProperties') {
      field = String(params.additionalProperty);
      message = 'Unknown field.';
    } else if (issue.keyword === 'required') {
      field = String(params.missingProperty);
      message = 'This field is required.';
    }
    const key =
      field ||
      (error.validationContext === 'body'
        ? 'non_field_errors'
        : String(error.validationContext ?? 'non_field_errors'));
    const list = fields[key] ?? [];
    if (!list.includes(message)) list.push(message);
    fields[key] = list;
  }
  return fields;
}
