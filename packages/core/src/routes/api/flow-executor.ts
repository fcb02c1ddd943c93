import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound } from '../../http/api-error.ts';
import { currentChallenge, type FlowStep, solveChallenge } from '../../flows/engine/executor.ts';
import { findFlowBySlug } from '../../flows/flows-repository.ts';
import { flowRequest } from '../flows/flow-http.ts';

const Params = Type.Object({ flow_slug: Type.String({ maxLength: 50 }) });
const Query = Type.Object({ query: Type.String({ maxLength: 4096 }) });
/** Any challenge answer: the stage checks its own fields. */
const Answer = Type.Object({ component: Type.String({ maxLength: 100 }) }, { additionalProperties: true });
/** Any challenge (the contract's ChallengeTypes, told apart by `component`). */
const ChallengeBody = Type.Object({ component: Type.String() }, { additionalProperties: true });

/** Answers are small; a bound stops a large body before it is parsed (a 400 body_too_large). */
const ANSWER_BODY_LIMIT = 64 * 1024;

const responses = { 200: ChallengeBody, 400: ValidationError, 403: GenericError, 404: GenericError };

/**
 * The flow executor (`/flows/executor/<slug>/?query=`): the JSON rendering of the flow engine, which the
 * LDAP and RADIUS outposts drive for every bind and Access-Request. Authenticated by nothing but the
 * attempt's state in the flow cookie, so no CSRF token: an answer is JSON, which a cross-site page cannot
 * send without a CORS preflight this core never grants. A successful login also sets `authentik_session`.
 */
export function flowExecutorRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });

    async function prepare(
      request: { params: Static<typeof Params>; query: Static<typeof Query> },
      reply: Parameters<typeof flowRequest>[2],
      raw: Parameters<typeof flowRequest>[1],
    ) {
      const flow = await findFlowBySlug(ctx.db, request.params.flow_slug);
      assertThat(flow, notFound);
      return flowRequest(ctx, raw, reply, flow, new URLSearchParams(request.query.query), {
        outpostCookie: true,
      });
    }

    const log = (step: FlowStep) => ({ component: step.challenge.component, ended: step.ended });

    app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
      '/flows/executor/:flow_slug/',
      {
        schema: { params: Params, querystring: Query, response: responses },
        config: { operationId: 'flows_executor_get' },
      },
      async (request, reply) => {
        const step = await currentChallenge(await prepare(request, reply, request));
        request.log.info({ flow: request.params.flow_slug, ...log(step) }, 'flow challenge');
        return step.challenge;
      },
    );

    app.post<{
      Params: Static<typeof Params>;
      Querystring: Static<typeof Query>;
      Body: Static<typeof Answer>;
    }>(
      '/flows/executor/:flow_slug/',
      {
        schema: { params: Params, querystring: Query, body: Answer, response: responses },
        bodyLimit: ANSWER_BODY_LIMIT,
        config: { operationId: 'flows_executor_solve' },
      },
      async (request, reply) => {
        const step = await solveChallenge(await prepare(request, reply, request), request.body);
        request.log.info({ flow: request.params.flow_slug, ...log(step) }, 'flow answer');
        if (step.retryAfterSeconds) reply.header('retry-after', String(step.retryAfterSeconds));
        return step.challenge;
      },
    );
  };
}
