import { Type } from '@sinclair/typebox';
import { PolicyEngineMode } from './applications.ts';

/** The uses a flow can be designated for (the contract's FlowDesignationEnum). */
export const FLOW_DESIGNATIONS = [
  'authentication',
  'authorization',
  'invalidation',
  'enrollment',
  'unenrollment',
  'recovery',
  'stage_configuration',
] as const;

/** Who may run a flow (the contract's AuthenticationEnum). */
export const FLOW_AUTHENTICATION = [
  'none',
  'require_authenticated',
  'require_unauthenticated',
  'require_superuser',
  'require_redirect',
  'require_outpost',
] as const;

/** What happens when a flow's policies deny the client (the contract's DeniedActionEnum). */
export const FLOW_DENIED_ACTIONS = ['message_continue', 'message', 'continue'] as const;

/** The page layouts (the contract's FlowLayoutEnum). */
export const FLOW_LAYOUTS = [
  'stacked',
  'content_left',
  'content_right',
  'sidebar_left',
  'sidebar_right',
  'sidebar_left_frame_background',
  'sidebar_right_frame_background',
] as const;

/** How the executor treats a wrong answer (the contract's InvalidResponseActionEnum). */
export const INVALID_RESPONSE_ACTIONS = ['retry', 'restart', 'restart_with_context'] as const;

/** A string enum keeping its literal type (the JSON schema is a plain `enum`). */
function literals<T extends readonly string[]>(values: T) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
}

/** The contract's FlowDesignationEnum. */
export const FlowDesignation = literals(FLOW_DESIGNATIONS);
/** The contract's AuthenticationEnum. */
export const FlowAuthentication = literals(FLOW_AUTHENTICATION);
/** The contract's DeniedActionEnum. */
export const FlowDeniedAction = literals(FLOW_DENIED_ACTIONS);
/** The contract's FlowLayoutEnum. */
export const FlowLayout = literals(FLOW_LAYOUTS);
/** The contract's InvalidResponseActionEnum. */
export const InvalidResponseAction = literals(INVALID_RESPONSE_ACTIONS);

const Slug = Type.String({ minLength: 1, maxLength: 50, pattern: '^[-a-zA-Z0-9_]+$' });

/** The contract's FlowSet: a stage's flows, stripped down. */
export const FlowSet = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  policybindingmodel_ptr_id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  designation: FlowDesignation,
  background_url: Type.String(),
  policy_engine_mode: PolicyEngineMode,
  compatibility_mode: Type.Boolean(),
  export_url: Type.String(),
  layout: FlowLayout,
  denied_action: FlowDeniedAction,
});

/** The contract's Flow. */
export const Flow = Type.Object({
  ...FlowSet.properties,
  background: Type.String(),
  background_themed_urls: Type.Null(),
  stages: Type.Array(Type.String({ format: 'uuid' })),
  policies: Type.Array(Type.String({ format: 'uuid' })),
  cache_count: Type.Integer(),
  authentication: FlowAuthentication,
});

const flowWritable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  slug: Slug,
  title: Type.String({ minLength: 1, maxLength: 200 }),
  designation: FlowDesignation,
  background: Type.Optional(Type.String({ maxLength: 2000 })),
  policy_engine_mode: Type.Optional(PolicyEngineMode),
  compatibility_mode: Type.Optional(Type.Boolean()),
  layout: Type.Optional(FlowLayout),
  denied_action: Type.Optional(FlowDeniedAction),
  authentication: Type.Optional(FlowAuthentication),
};

/** The contract's FlowRequest (create and full update). */
export const FlowRequest = Type.Object(flowWritable, { additionalProperties: false });
/** The contract's PatchedFlowRequest. */
export const PatchedFlowRequest = Type.Partial(Type.Object(flowWritable), { additionalProperties: false });

/** The contract's Stage: the fields every kind of stage has. */
export const stageCommon = {
  pk: Type.String({ format: 'uuid' }),
  name: Type.String(),
  component: Type.String(),
  verbose_name: Type.String(),
  verbose_name_plural: Type.String(),
  meta_model_name: Type.String(),
  flow_set: Type.Array(FlowSet),
};

/** The contract's Stage (as /stages/all/ lists it). */
export const Stage = Type.Object(stageCommon);

/** The stage name every stage request carries. */
export const StageName = Type.String({ minLength: 1, maxLength: 200 });

/** The contract's FlowStageBinding. */
export const FlowStageBinding = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  policybindingmodel_ptr_id: Type.String({ format: 'uuid' }),
  target: Type.String({ format: 'uuid' }),
  stage: Type.String({ format: 'uuid' }),
  stage_obj: Stage,
  evaluate_on_plan: Type.Boolean(),
  re_evaluate_policies: Type.Boolean(),
  order: Type.Integer(),
  policy_engine_mode: PolicyEngineMode,
  invalid_response_action: InvalidResponseAction,
});

const bindingWritable = {
  target: Type.String({ format: 'uuid' }),
  stage: Type.String({ format: 'uuid' }),
  evaluate_on_plan: Type.Optional(Type.Boolean()),
  re_evaluate_policies: Type.Optional(Type.Boolean()),
  order: Type.Integer({ minimum: -2147483648, maximum: 2147483647 }),
  policy_engine_mode: Type.Optional(PolicyEngineMode),
  invalid_response_action: Type.Optional(InvalidResponseAction),
};

/** The contract's FlowStageBindingRequest. */
export const FlowStageBindingRequest = Type.Object(bindingWritable, { additionalProperties: false });
/** The contract's PatchedFlowStageBindingRequest. */
export const PatchedFlowStageBindingRequest = Type.Partial(Type.Object(bindingWritable), {
  additionalProperties: false,
});
