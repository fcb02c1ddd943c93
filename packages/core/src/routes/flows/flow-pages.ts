import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { currentChallenge, type FlowStep, solveChallenge } from '../../flows/engine/executor.ts';
import { findFlowBySlug, type FlowRecord } from '../../flows/flows-repository.ts';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import { safeNextPath } from '../../flows/safe-next.ts';
import { signedOutPage, wayBackTo } from '../../flows/signed-out.ts';
import { flowRequest } from './flow-http.ts';
import { sendFlowStep } from './flow-page.ts';
import { currentUser, formCsrfValid, sendPage } from './form.ts';
import { SIGN_IN_PATH } from './sign-in.ts';

type Options = Parameters<typeof sendFlowStep>[4];

type Request = FastifyRequest<{
  Params: { slug: string };
  Querystring: { next?: unknown; application?: unknown };
}>;

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
    const application = typeof request.query.application === 'string' ? request.query.application : '';
    const query = new URLSearchParams({ next, ...(application ? { application } : {}) });
    return { run, flow, options: { action: `/if/flow/${slug}/?${query}`, title: flow.title } };
  }

  /**
   * Sends a step; an invalidation flow that finished ends on the signed-out page (with the way back to the
   * application it was run for) rather than redirecting on: a sign-out that went straight back to the
   * application would start a new sign-in, or, had the flow kept the core session, sign the user back in.
   */
  async function send(
    request: Request,
    reply: FastifyReply,
    flow: FlowRecord,
    step: FlowStep,
    options: Options,
  ) {
    if (flow.designation !== 'invalidation' || step.challenge.component !== 'xak-flow-redirect')
      return sendFlowStep(ctx, request, reply, step, options);
    const user = await currentUser(ctx, request);
    const wayBack = await wayBackTo(ctx.db, request.query.application);
    request.log.info({ flow: flow.slug, user: user?.username, ended: !user }, 'invalidation flow finished');
    return sendPage(
      reply,
      200,
      signedOutPage({ wayBack, stillSignedInAs: user?.username, signInPath: SIGN_IN_PATH }),
    );
  }

  return async (app) => {
    app.get<{ Params: { slug: string }; Querystring: { next?: unknown; application?: unknown } }>(
      '/if/flow/:slug/',
      async (request, reply) => {
        const prepared = await prepare(request, reply);
        if (!prepared) return sendPage(reply, 404, NO_SUCH_FLOW);
        return send(request, reply, prepared.flow, await currentChallenge(prepared.run), prepared.options);
      },
    );

    app.post<{ Params: { slug: string }; Querystring: { next?: unknown; application?: unknown } }>(
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
        if (shown.ended || !view) return send(request, reply, prepared.flow, shown, prepared.options);
        const fields = (request.body ?? {}) as Record<string, string>;
        const step = await solveChallenge(prepared.run, view.response(fields));
        if (step.challenge.response_errors)
          request.log.info(
            { component: step.challenge.component, flow: prepared.flow.slug },
            'flow answer refused',
          );
        return send(request, reply, prepared.flow, step, prepared.options);
      },
    );
  };
}
