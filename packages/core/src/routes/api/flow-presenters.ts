import type { Static } from '@sinclair/typebox';
import type { Flow, FlowSet, Stage } from '@palisade/schema';
import type { AppContext } from '../../context.ts';
import { stageKindNamed } from '../../flows/engine/stages/index.ts';
import { findFlow, type FlowRecord } from '../../flows/flows-repository.ts';
import { bindingsOfFlow } from '../../flows/stage-bindings-repository.ts';
import { flowsOfStages, type StageRecord } from '../../flows/stages-repository.ts';

/** A flow as the contract's FlowSet (the flows a stage is bound to). */
export function presentFlowSet(flow: FlowRecord): Static<typeof FlowSet> {
  return {
    pk: flow.uuid,
    policybindingmodel_ptr_id: flow.uuid,
    name: flow.name,
    slug: flow.slug,
    title: flow.title,
    designation: flow.designation,
    background_url: flow.background,
    policy_engine_mode: flow.policyEngineMode,
    compatibility_mode: flow.compatibilityMode,
    export_url: `/api/v3/flows/instances/${flow.slug}/export/`,
    layout: flow.layout,
    denied_action: flow.deniedAction,
  };
}

/** A flow as the contract's Flow, with the stages bound to it. */
export async function presentFlow(ctx: AppContext, flow: FlowRecord): Promise<Static<typeof Flow>> {
  const bindings = await bindingsOfFlow(ctx.db, flow.uuid);
  return {
    ...presentFlowSet(flow),
    background: flow.background,
    background_themed_urls: null,
    stages: [...new Set(bindings.map((b) => b.stageUuid))],
    // Policy objects do not exist yet (bindings name users and groups), so no flow lists any.
    policies: [],
    cache_count: 0,
    authentication: flow.authentication,
  };
}

/** The common Stage fields of stages, in order (flow_set looked up for all of them at once). */
export async function presentStages(
  ctx: AppContext,
  stages: StageRecord[],
): Promise<Array<Static<typeof Stage> & Record<string, unknown>>> {
  const flowsByStage = await flowsOfStages(
    ctx.db,
    stages.map((s) => s.uuid),
  );
  const flows = new Map<string, FlowRecord>();
  const results = [];
  for (const stage of stages) {
    const flowSet = [];
    for (const uuid of flowsByStage.get(stage.uuid) ?? []) {
      const flow = flows.get(uuid) ?? (await findFlow(ctx.db, uuid));
      if (!flow) continue;
      flows.set(uuid, flow);
      flowSet.push(presentFlowSet(flow));
    }
    const kind = stageKindNamed(stage.kind);
    results.push({
      ...(kind?.defaults ?? {}),
      ...stage.config,
      pk: stage.uuid,
      name: stage.name,
      component: kind?.component ?? `ak-stage-${stage.kind}-form`,
      verbose_name: kind?.verboseName ?? stage.kind,
      verbose_name_plural: kind?.verboseNamePlural ?? stage.kind,
      meta_model_name: kind?.metaModelName ?? stage.kind,
      flow_set: flowSet,
    });
  }
  return results;
}
