/**
 * The state of one flow attempt, kept in the server-side flow session between the executor's (or the
 * page's) requests. It is JSON, so it survives a round trip through the database unchanged.
 */
export interface FlowState {
  /** The flow this attempt runs. */
  flowUuid: string;
  /** The planned flow-stage bindings, in order (decided when the attempt starts). */
  bindings: string[];
  /** Index in `bindings` of the current stage; `bindings.length` once every stage is done. */
  index: number;
  /** The user the flow is about, once a stage identified them. */
  pendingUserId?: number;
  /** What the client typed to identify itself, kept when it named nobody (so the reply does not say so). */
  pendingIdentifier?: string;
  /** Where the flow sends the client when it completes (a path on this origin). */
  next: string;
  /** Whether an outpost's marker and token came with the attempt (flows that require an outpost). */
  viaOutpost: boolean;
  /** Per-stage data, each stage under its own keys (`<kind>.<name>`). */
  context: Record<string, unknown>;
}

/** The context key naming the user this attempt authenticated (by password, or a first-factor passkey). */
export const AUTHENTICATED_USER = 'auth.user';

/** Records that the attempt proved it is `userId` (a stage that checks a credential calls this). */
export function markAuthenticated(state: FlowState, userId: number): void {
  state.pendingUserId = userId;
  state.context[AUTHENTICATED_USER] = userId;
}

/** Answers whether the attempt proved it is its pending user. */
export function isAuthenticated(state: FlowState): boolean {
  return state.pendingUserId !== undefined && state.context[AUTHENTICATED_USER] === state.pendingUserId;
}

/**
 * The context key where a stage leaves how long the client must wait before trying again (a throttled
 * credential check); the engine moves it out of the state into its answer (FlowStep.retryAfterSeconds).
 */
export const RETRY_AFTER = 'retry_after_seconds';
