import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { FlowStep } from '../../flows/engine/executor.ts';
import type { ResponseErrors } from '../../flows/engine/stage.ts';
import { type Html, html } from '../../flows/html.ts';
import { errorBox, page } from '../../flows/page.ts';
import { CSRF_FIELD, sendPage } from './form.ts';

/** The form field of a stage's two buttons (StageHtml.cancelLabel): `allow` or `deny`. */
export const DECISION_FIELD = 'decision';

/** The first message of each field's response errors, in order (the page shows them above the form). */
function messages(errors: ResponseErrors | undefined): string[] {
  return Object.values(errors ?? {}).flatMap((list) => list.map((e) => e.string));
}

/** Whether a step refused the client for now (a throttled credential check). */
function isThrottled(step: FlowStep): boolean {
  return Object.values(step.challenge.response_errors ?? {}).some((list) =>
    list.some((e) => e.code === 'throttled'),
  );
}

/**
 * The HTML rendering of a flow step: a redirect goes there (303), a denial is a 403 page with its message,
 * and a stage's challenge is its form (the stage kind's `html`) inside the page frame with the CSRF field,
 * posting back to `action`, under `lead` when given. A throttled answer is a 429 with Retry-After; other errors re-render with 200.
 */
export function sendFlowStep(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  step: FlowStep,
  options: { action: string; title: string; lead?: Html; error?: string; status?: number },
): FastifyReply {
  const { challenge } = step;
  if (challenge.component === 'xak-flow-redirect') return reply.redirect(String(challenge.to ?? '/'), 303);
  if (challenge.component === 'ak-stage-access-denied') {
    return sendPage(
      reply,
      403,
      page(
        'Access denied',
        html`<p id="access-denied">${String(challenge.error_message ?? 'Access denied.')}</p>`,
      ),
    );
  }
  const view = step.stageKind?.html;
  if (!view) {
    request.log.error({ component: challenge.component }, 'flow stage has no HTML rendering');
    return sendPage(reply, 500, page('Something went wrong', html`<p>This step cannot be shown here.</p>`));
  }
  const errors = messages(challenge.response_errors);
  const shown = options.error ?? errors[0];
  let status = options.status ?? 200;
  if (isThrottled(step)) {
    status = 429;
    if (step.retryAfterSeconds) reply.header('retry-after', String(step.retryAfterSeconds));
  }
  const csrf = ctx.csrf.ensureToken(request, reply);
  return sendPage(
    reply,
    status,
    page(
      options.title,
      html`${options.lead ?? ''}${errorBox(shown)}
        <form method="post" action="${options.action}">
          <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
          ${view.render(challenge, errors)}
          ${
            view.cancelLabel
              ? html`<button type="submit" name="${DECISION_FIELD}" value="allow">${view.submitLabel}</button>
                  <button type="submit" name="${DECISION_FIELD}" value="deny" formnovalidate>
                    ${view.cancelLabel}
                  </button>`
              : html`<button type="submit">${view.submitLabel}</button>`
          }
        </form>`,
    ),
  );
}
