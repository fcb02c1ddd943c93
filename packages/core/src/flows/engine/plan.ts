import type { AppContext } from '../../context.ts';
import { evaluateAccess } from '../../policies/engine.ts';
import type { FlowRecord } from '../flows-repository.ts';
import { safeNextPath } from '../safe-next.ts';
import { bindingsOfFlow } from '../stage-bindings-repository.ts';
import type { FlowClient } from './stage.ts';
import { type FlowState, markAuthenticated } from './state.ts';

/** The `query` markers the reference outposts send: the flow runs for an LDAP bind or a RADIUS request. */
export const OUTPOST_MARKERS = ['goauthentik.io/outpost/ldap', 'goauthentik.io/outpost/radius'] as const;

/** A plan, or why the flow may not run for this client (a message the client may see). */
export type PlanResult = { ok: true; state: FlowState } | { ok: false; message: string };

/**
 * Whether the flow's authentication requirement admits this client. `require_outpost` needs both an
 * outpost's verified token (FlowClient.outpostUserId) and its marker in the query: the marker alone is
 * text anyone can send.
 */
function requirementMet(flow: FlowRecord, client: FlowClient, viaOutpost: boolean): string | undefined {
  switch (flow.authentication) {
    case 'none':
      return undefined;
    case 'require_authenticated':
      return client.signedInUser ? undefined : 'Sign in first.';
    case 'require_unauthenticated':
      return client.signedInUser ? 'You are already signed in.' : undefined;
    case 'require_superuser':
      return client.signedInUser?.isSuperuser ? undefined : 'This flow is for administrators.';
    case 'require_outpost':
      return viaOutpost ? undefined : 'This flow can only be used through an outpost.';
    case 'require_redirect':
      // Palisade does not track how a client arrived yet: refuse rather than admit everyone.
      return 'This flow can only be reached through a redirect.';
  }
}

/**
 * Plans one attempt of `flow` for `client`: checks the flow's authentication requirement and its own policy
 * bindings, then keeps the stage bindings whose policies pass now when they are to be evaluated on plan
 * (the rest are checked when reached, if `re_evaluate_policies`). A signed-in client starts as its own,
 * authenticated pending user.
 */
export async function planFlow(
  ctx: AppContext,
  flow: FlowRecord,
  client: FlowClient,
  query: URLSearchParams,
): Promise<PlanResult> {
  const started = performance.now();
  try {
    return await buildPlan(ctx, flow, client, query);
  } finally {
    ctx.metrics.flowPlanned(flow.slug, (performance.now() - started) / 1000);
  }
}

async function buildPlan(
  ctx: AppContext,
  flow: FlowRecord,
  client: FlowClient,
  query: URLSearchParams,
): Promise<PlanResult> {
  const viaOutpost =
    client.outpostUserId !== undefined && OUTPOST_MARKERS.some((marker) => query.get(marker) === 'true');
  const refused = requirementMet(flow, client, viaOutpost);
  if (refused) return { ok: false, message: refused };
  const userId = client.signedInUser?.id;
  const access = await evaluateAccess(ctx.db, flow.uuid, flow.policyEngineMode, userId);
  if (!access.passing) return { ok: false, message: 'You are not allowed to use this flow.' };
  const bindings: string[] = [];
  for (const binding of await bindingsOfFlow(ctx.db, flow.uuid)) {
    if (binding.evaluateOnPlan) {
      const result = await evaluateAccess(ctx.db, binding.uuid, binding.policyEngineMode, userId);
      if (!result.passing) continue;
    }
    bindings.push(binding.uuid);
  }
  const state: FlowState = {
    flowUuid: flow.uuid,
    bindings,
    index: 0,
    next: safeNextPath(query.get('next') ?? undefined),
    viaOutpost,
    context: {},
  };
  if (client.signedInUser) markAuthenticated(state, client.signedInUser.id);
  return { ok: true, state };
}
