import type { FastifyError, FastifyInstance } from 'fastify';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import { isDatabaseUnavailable } from '../../db/unavailable.ts';
import { ApiError } from '../../http/api-error.ts';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../http/error-handler.ts';
import { sendPage } from './form.ts';
import { SIGN_IN_PATH } from './sign-in.ts';

/** What a browser is told for each status a flow request can fail with; details go to the log only. */
const BAD_REQUEST = { title: 'Bad request', text: 'The form could not be read. Go back and try again.' };
const MESSAGES: Record<number, { title: string; text: string }> = {
  400: BAD_REQUEST,
  413: { title: 'Bad request', text: 'The form is too large. Go back and try again.' },
  415: { title: 'Bad request', text: 'This page accepts only its own form. Go back and try again.' },
  500: { title: 'Something went wrong', text: 'Something went wrong on our side. Try again later.' },
  503: {
    title: 'Temporarily unavailable',
    text: 'Palisade cannot reach its database right now. Try again in a few seconds.',
  },
};

/** Fastify's body errors, by the status a page answers them with. */
const FASTIFY_STATUS: Record<string, number> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 400,
};

function statusOf(error: FastifyError): number {
  if (error instanceof ApiError) return error.statusCode;
  if (isDatabaseUnavailable(error)) return 503;
  const mapped = FASTIFY_STATUS[error.code ?? ''];
  if (mapped) return mapped;
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? status : 500;
}

/**
 * Answers failures inside the flow pages' scope as HTML pages instead of the API's JSON: a client error gets
 * its 4xx and a short explanation, anything else a 500 with a generic text while the error goes to the log.
 */
export function installFlowErrorPages(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = statusOf(error);
    if (status === 503) {
      request.log.warn({ err: { code: error.code, message: error.message } }, 'database unavailable');
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (status >= 500) request.log.error({ err: error }, 'flow page failed');
    else request.log.info({ err: { code: error.code, message: error.message } }, 'flow request rejected');
    const message = MESSAGES[status] ?? BAD_REQUEST;
    return sendPage(
      reply,
      status,
      page(
        message.title,
        html`<p>${message.text}</p>
          <p><a href="${SIGN_IN_PATH}">Sign in</a></p>`,
      ),
    );
  });
}
