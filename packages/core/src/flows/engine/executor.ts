import type { AppContext } from '../../context.ts';
import { findUserById, type User } from '../../identity/users-repository.ts';
import { evaluateAccess } from '../../policies/engine.ts';
import type { FlowRecord } from '../flows-repository.ts';
import { findStageBinding, type StageBinding } from '../stage-bindings-repository.ts';
import { findStage } from '../stages-repository.ts';
import { findFlowSession, saveFlowSession } from './flow-sessions.ts';
import { planFlow } from './plan.ts';
import {
  type Challenge,
  type FlowClient,
  type FlowLog,
  fieldError,
  type ResponseErrors,
  type SessionPort,
  type StageKind,
  type StageOutcome,
  type StageRun,
} from './stage.ts';
import { STAGE_KINDS, stageKindNamed } from './stages/index.ts';
import { type FlowState, RETRY_AFTER } from './state.ts';

/** One request of a flow attempt, as either rendering (JSON executor, HTML pages) hands it to the engine. */
export interface FlowRequest {
  ctx: AppContext;
  flow: FlowRecord;
  client: FlowClient;
  session: SessionPort;
  log: FlowLog;
  /** The parameters the flow was started with (the executor's `query`, the page's own query string). */
  query: URLSearchParams;
  /** The attempt's key from the flow cookie (a new one when the client sent none). */
  key: string;
  /** Replaces the client's attempt key (its attempt ended and it starts another) and answers the new one. */
  rotateKey(): string;
  /**
   * Context a new attempt starts with, set by whatever runs the flow for something (an OAuth2 authorization
   * puts its consent request here). Only a fresh plan takes it: a stored attempt keeps its own context.
   */
  seed?: Readonly<Record<string, unknown>>;
}

/** What the engine answers: the challenge to show, and whether the attempt is over (redirect or denied). */
export interface FlowStep {
  challenge: Challenge;
  /** The kind of the stage that asked, when the challenge is a stage's (not a redirect or a denial). */
  stageKind?: StageKind<object>;
  ended: boolean;
  /** Seconds the client must wait before its next attempt, when a stage refused it for now (throttling). */
  retryAfterSeconds?: number;
}

interface Attempt {
  state: FlowState;
  /** The stored step this state was read at; undefined for a fresh, never stored attempt. */
  step: number | undefined;
}

interface Current {
  binding: StageBinding;
  kind: StageKind<object>;
  run: StageRun<object>;
}

const avatar = '';

/** Runs one stage step, timed for `authentik_flows_execution_stage_time`. */
async function timedStage<T>(
  request: FlowRequest,
  kind: string,
  method: 'get' | 'post',
  step: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    request.ctx.metrics.stageRan(kind, method, (performance.now() - started) / 1000);
  }
}

function flowInfo(flow: FlowRecord) {
  return {
    title: flow.title,
    background: flow.background,
    cancel_url: '/flows/-/cancel/',
    layout: flow.layout,
  };
}

async function pendingUserOf(ctx: AppContext, state: FlowState): Promise<User | undefined> {
  return state.pendingUserId === undefined ? undefined : findUserById(ctx.db, state.pendingUserId);
}

async function denied(
  request: FlowRequest,
  state: FlowState | undefined,
  message: string,
): Promise<FlowStep> {
  const user = state ? await pendingUserOf(request.ctx, state) : undefined;
  return {
    ended: true,
    challenge: {
      component: 'ak-stage-access-denied',
      flow_info: flowInfo(request.flow),
      pending_user: user?.username ?? state?.pendingIdentifier ?? '',
      pending_user_avatar: avatar,
      error_message: message,
    },
  };
}

function redirect(request: FlowRequest, to: string): FlowStep {
  return {
    ended: true,
    challenge: { component: 'xak-flow-redirect', flow_info: flowInfo(request.flow), to },
  };
}

/** The stage the attempt is at, or why it cannot go on (a binding, stage or kind vanished). */
async function currentStage(request: FlowRequest, state: FlowState): Promise<Current | 'gone'> {
  const binding = await findStageBinding(request.ctx.db, state.bindings[state.index] ?? '');
  const stage = binding && (await findStage(request.ctx.db, binding.stageUuid));
  // A stage of a kind this core does not know is never skipped: the flow fails closed.
  const kind = stage && stageKindNamed(stage.kind);
  if (!binding || !stage || !kind) return 'gone';
  const config = { ...kind.defaults, ...stage.config };
  const run: StageRun<object> = {
    ctx: request.ctx,
    flow: request.flow,
    stage: { uuid: stage.uuid, name: stage.name, config },
    state,
    client: request.client,
    session: request.session,
    log: request.log,
    pendingUser: () => pendingUserOf(request.ctx, state),
    async challengeBase() {
      const user = await pendingUserOf(request.ctx, state);
      return {
        flow_info: flowInfo(request.flow),
        pending_user: user?.username ?? state.pendingIdentifier ?? '',
        pending_user_avatar: avatar,
      };
    },
  };
  return { binding, kind, run };
}

/**
 * Moves the attempt on from its current stage until a stage asks something, the flow denies, or every stage
 * is done (then the client is sent to `next`). `first` is the outcome already known for the current stage.
 */
async function advance(request: FlowRequest, state: FlowState, first?: StageOutcome): Promise<FlowStep> {
  let outcome = first;
  for (;;) {
    if (state.index >= state.bindings.length) return redirect(request, state.next);
    const current = await currentStage(request, state);
    if (current === 'gone') return denied(request, state, 'This flow was changed. Start again.');
    if (!outcome) {
      const { binding } = current;
      if (binding.reEvaluatePolicies) {
        const user = state.pendingUserId ?? request.client.signedInUser?.id;
        const access = await evaluateAccess(request.ctx.db, binding.uuid, binding.policyEngineMode, user);
        if (!access.passing) {
          state.index += 1;
          continue;
        }
      }
      outcome = await timedStage(request, current.kind.kind, 'get', () =>
        current.kind.challenge(current.run),
      );
    }
    if (outcome.kind === 'deny') return denied(request, state, outcome.message);
    if (outcome.kind === 'challenge') {
      const wait = state.context[RETRY_AFTER];
      delete state.context[RETRY_AFTER];
      return {
        ended: false,
        challenge: outcome.challenge,
        stageKind: current.kind,
        retryAfterSeconds: typeof wait === 'number' ? wait : undefined,
      };
    }
    state.index += 1;
    outcome = undefined;
  }
}

/** A fresh plan of the request's flow, starting with the request's seed context. */
async function plan(request: FlowRequest) {
  const planned = await planFlow(request.ctx, request.flow, request.client, request.query);
  if (planned.ok) Object.assign(planned.state.context, request.seed);
  return planned;
}

/** The stored attempt of this flow for the key, a fresh plan, or the denial of the plan. */
async function load(request: FlowRequest): Promise<Attempt | { ended: true } | FlowStep> {
  const stored = await findFlowSession(request.ctx.db, request.key);
  if (stored && stored.flowUuid === request.flow.uuid) {
    if (stored.ended) return { ended: true };
    return { state: stored.state, step: stored.step };
  }
  const planned = await plan(request);
  if (!planned.ok) return denied(request, undefined, planned.message);
  return { state: planned.state, step: undefined };
}

/** Stores the attempt after a step; a lost race answers the denial instead (the other request won). */
async function store(request: FlowRequest, attempt: Attempt, step: FlowStep): Promise<FlowStep> {
  const saved = await saveFlowSession(request.ctx.db, request.key, {
    state: attempt.state,
    step: attempt.step,
    ended: step.ended,
  });
  return saved ? step : denied(request, attempt.state, 'This answer was already sent. Start again.');
}

/**
 * The current challenge of the attempt (a GET). A fresh attempt is planned but not stored: showing the first
 * challenge costs no row, and the first answer plans it the same way. An ended attempt starts afresh.
 */
export async function currentChallenge(request: FlowRequest): Promise<FlowStep> {
  const loaded = await load(request);
  if ('challenge' in loaded) return loaded;
  if ('ended' in loaded) {
    // The client starts another attempt; later calls with this request use the new key too.
    request.key = request.rotateKey();
    return currentChallenge(request);
  }
  const step = await advance(request, loaded.state);
  // Stages that completed without asking (a logout, a login without remember-me) changed something; a
  // stage that keeps something for its answer (a WebAuthn challenge) needs the attempt stored too.
  const kept = Object.keys(loaded.state.context).length > 0;
  if (loaded.step !== undefined || step.ended || loaded.state.index > 0 || kept)
    return store(request, loaded, step);
  return step;
}

function wrongStage(step: FlowStep, message: string, code: string): FlowStep {
  const errors: ResponseErrors = fieldError('component', message, code);
  return { ...step, challenge: { ...step.challenge, response_errors: errors } };
}

/**
 * Checks an answer (a POST) against the attempt's current stage and moves on. An answer for another stage,
 * or of a kind nobody asked, gets the current challenge back with `response_errors`; an answer to an ended
 * attempt is denied, and nothing about the attempt changes.
 */
export async function solveChallenge(
  request: FlowRequest,
  response: Record<string, unknown>,
): Promise<FlowStep> {
  const loaded = await load(request);
  if ('challenge' in loaded) return loaded;
  if ('ended' in loaded) return denied(request, undefined, 'This sign-in has already ended. Start again.');
  const { state } = loaded;
  const asked = await advance(request, state);
  if (asked.ended) return store(request, loaded, asked);
  const current = await currentStage(request, state);
  if (current === 'gone')
    return store(request, loaded, await denied(request, state, 'This flow was changed.'));
  const component = typeof response.component === 'string' ? response.component : '';
  if (component !== current.kind.challengeComponent) {
    const known = STAGE_KINDS.some((k) => k.challengeComponent === component);
    const wrong = known
      ? wrongStage(asked, 'This answer is for another stage.', 'wrong_stage')
      : wrongStage(asked, 'Unknown component.', 'invalid');
    return loaded.step === undefined ? wrong : store(request, loaded, wrong);
  }
  const outcome = await timedStage(request, current.kind.kind, 'post', () =>
    current.kind.solve(current.run, response),
  );
  const invalid = outcome.kind === 'challenge' && outcome.challenge.response_errors !== undefined;
  if (invalid && current.binding.invalidResponseAction !== 'retry') {
    const planned = await plan(request);
    if (!planned.ok) return store(request, loaded, await denied(request, state, planned.message));
    if (current.binding.invalidResponseAction === 'restart_with_context')
      planned.state.context = state.context;
    const restarted = { state: planned.state, step: loaded.step };
    const first = await advance(request, planned.state);
    const errors = outcome.challenge.response_errors;
    return store(request, restarted, {
      ...first,
      challenge: { ...first.challenge, response_errors: errors },
    });
  }
  return store(request, loaded, await advance(request, state, outcome));
}
