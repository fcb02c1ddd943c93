import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Application } from '../../applications/applications-repository.ts';
import type { AppContext } from '../../context.ts';
import type { FlowRequest, FlowStep } from '../../flows/engine/executor.ts';
import { CONSENT_REQUEST, type ConsentRequest } from '../../flows/engine/stages/consent.ts';
import type { FlowRecord } from '../../flows/flows-repository.ts';
import { describeScope } from '../../oauth2/scope-mappings.ts';
import { flowRequest } from '../flows/flow-http.ts';
import { sendFlowStep } from '../flows/flow-page.ts';

/** The scopes of an authorization request that a user is asked about (the ones Palisade can describe). */
export function describedScopes(scope: unknown): string[] {
  return String(scope ?? '')
    .split(' ')
    .filter((name) => describeScope(name) !== undefined);
}

/**
 * The provider's authorization flow, run by the flow engine for one pending OAuth2 interaction: whatever
 * the admin bound to it (the explicit-consent flow's consent stage, a deny stage, policies) decides, and
 * the interaction page is that flow's HTML rendering. The attempt is keyed to the interaction (two tabs
 * authorizing two applications never share one) and starts with the consent request as its context.
 */
export async function authorizationFlowRequest(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  target: { flow: FlowRecord; application: Application; interaction: string; scope: unknown },
): Promise<FlowRequest> {
  const consent: ConsentRequest = {
    applicationUuid: target.application.uuid,
    applicationName: target.application.name,
    permissions: describedScopes(target.scope).map((id) => ({ id, name: describeScope(id) ?? id })),
  };
  const run = await flowRequest(ctx, request, reply, target.flow, new URLSearchParams(), {
    outpostCookie: false,
    attempt: `oauth2-interaction:${target.interaction}`,
  });
  return { ...run, seed: { [CONSENT_REQUEST]: consent } };
}

/** Renders a step of the authorization flow as the interaction page (posting back to the interaction). */
export function sendAuthorizationStep(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  step: FlowStep,
  application: Application,
): FastifyReply {
  return sendFlowStep(ctx, request, reply, step, {
    action: request.url,
    title: `Authorize ${application.name}`,
  });
}
