import type { AppContext } from '../../src/context.ts';
import type { FlowRecord } from '../../src/flows/flows-repository.ts';
import type { FlowClient, StageKind, StageOutcome, StageRun } from '../../src/flows/engine/stage.ts';
import type { FlowState } from '../../src/flows/engine/state.ts';
import { findUserById } from '../../src/identity/users-repository.ts';

/**
 * Runs one stage kind outside the executor, as the engine would: a run over a state the test owns, so a
 * stage's checks can be tested answer by answer. The executor's own tests cover how runs are chained.
 */
export interface StageHarness<Config extends object> {
  readonly state: FlowState;
  readonly started: number[];
  /** What the stage logged (fields and message). */
  readonly logged: Array<Record<string, unknown>>;
  challenge(): Promise<StageOutcome>;
  /** Asks for the challenge first (the engine does so before every answer), then solves. */
  solve(response: Record<string, unknown>): Promise<StageOutcome>;
  run: StageRun<Config>;
}

/** A harness for `kind` with `config` over the test app's context. */
export function stageHarness<Config extends object>(
  ctx: AppContext,
  kind: StageKind<Config>,
  config: Partial<Config>,
  options: { client?: Partial<FlowClient>; state?: Partial<FlowState> } = {},
): StageHarness<Config> {
  const state: FlowState = {
    flowUuid: '00000000-0000-4000-8000-000000000000',
    bindings: ['b'],
    index: 0,
    next: '/',
    viaOutpost: false,
    context: {},
    ...options.state,
  };
  const started: number[] = [];
  const logged: Array<Record<string, unknown>> = [];
  const flow = { slug: 'test', title: 'Test', designation: 'authentication' } as unknown as FlowRecord;
  const run: StageRun<Config> = {
    ctx,
    flow,
    stage: {
      uuid: '11111111-1111-4111-8111-111111111111',
      name: 'test-stage',
      config: { ...kind.defaults, ...config },
    },
    state,
    client: {
      address: '192.0.2.10',
      userAgent: 'test',
      origin: 'https://sso.example.test',
      ...options.client,
    },
    log: { info: (fields, message) => logged.push({ ...fields, message }) },
    session: {
      async startSession(user) {
        started.push(user.id);
      },
      async endSession() {},
    },
    pendingUser: async () =>
      state.pendingUserId === undefined ? undefined : findUserById(ctx.db, state.pendingUserId),
    challengeBase: async () => ({ pending_user: '', pending_user_avatar: '' }),
  };
  return {
    state,
    started,
    logged,
    run,
    challenge: () => kind.challenge(run),
    async solve(response) {
      await kind.challenge(run);
      return kind.solve(run, response);
    },
  };
}
