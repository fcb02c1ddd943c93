import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { currentChallenge, solveChallenge } from '../../flows/engine/executor.ts';
import { findFlowBySlug } from '../../flows/flows-repository.ts';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import { safeNextPath } from '../../flows/safe-next.ts';
import { flowRequest } from './flow-http.ts';
import { sendFlowStep } from './flow-page.ts';
import { formCsrfValid, sendPage } from './form.ts';

type Request = FastifyRequest<{ Params: { slug: string }; Querystring: { next?: unknown } }>;

const NO_SUCH_FLOW = page('Not found', html`<p>There is no such flow.</p>`);

/**
 * Every other flow as HTML pages at /if/flow/<slug>/ (the authenticator setup flows, the passwordless
 * flow, flows an admin adds): the same engine and rendering as the sign-in page, each stage's challenge
 * as its form, CSRF-protected. Flows with a page of their own (sign-in, initial setup, sign-out) keep it:
 * their static routes take precedence over this parametric one.
 */
export function flowPageRoutes(ctx: AppContext): FastifyPluginAsync {
  async function prepare(request: Request, reply: FastifyReply) {
    const slug = request.params.slug;
    const flow = slug.length <= 50 ? await findFlowBySlug(ctx.db, slug) : undefined;
    if (!flow) return undefined;
    const next = safeNextPath(request.query.next);
    const run = await flowRequest(ctx, request, reply, flow, new URLSearchParams({ next }), {
      outpostCookie: false,
    });
    return {
      run,
      flow,
      options: { action: `/if/flow/${slug}/?next=${encodeURIComponent(next)}`, title: flow.title },
    };
  }

  return async (app) => {
    app.get<{ Params: { slug: string }; Querystring: { next?: unknown } }>(
      '/if/flow/:slug/',
      async (request, reply) => {
        const prepared = await prepare(request, reply);
        if (!prepared) return sendPage(reply, 404, NO_SUCH_FLOW);
        return sendFlowStep(ctx, request, reply, await currentChallenge(prepared.run), prepared.options);
      },
    );

    app.post<{ Params: { slug: string }; Querystring: { next?: unknown } }>(
      '/if/flow/:slug/',
      async (request, reply) => {
        const prepared = await prepare(request, reply);
        if (!prepared) return sendPage(reply, 404, NO_SUCH_FLOW);
        const shown = await currentChallenge(prepared.run);
        if (!formCsrfValid(ctx, request)) {
          request.log.info({ reason: 'csrf', flow: prepared.flow.slug }, 'flow form rejected');
          return sendFlowStep(ctx, request, reply, shown, {
            ...prepared.options,
            error: 'Your session expired. Please try again.',
            status: 403,
          });
        }
        const view = shown.stageKind?.html;
        if (shown.ended || !view) return sendFlowStep(ctx, request, reply, shown, prepared.options);
        const fields = (request.body ?? {}) as Record<string, string>;
        const step = await solveChallenge(prepared.run, view.response(fields));
        if (step.challenge.response_errors)
          request.log.info(
            { component: step.challenge.component, flow: prepared.flow.slug },
            'flow answer refused',
          );
        return sendFlowStep(ctx, request, reply, step, prepared.options);
      },
    );
  };
}
