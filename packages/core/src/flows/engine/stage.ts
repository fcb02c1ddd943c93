import type { TObject } from '@sinclair/typebox';
import type { AppContext } from '../../context.ts';
import type { Html } from '../html.ts';
import type { User } from '../../identity/users-repository.ts';
import type { FlowRecord } from '../flows-repository.ts';
import type { FlowState } from './state.ts';

/**
 * The flow engine's stage interface: what a stage kind (identification, password, user login, an
 * authenticator check …) provides so the one engine can plan it, ask its challenge, check the answer and
 * render it both as the executor's JSON and as an HTML page.
 *
 * Registering a kind: write a `StageKind` in its own file (flows/engine/stages/<kind>.ts, or in the
 * feature's folder, e.g. mfa/) and add it to `STAGE_KINDS` in flows/engine/stages/index.ts. That one list
 * gives the kind its REST routes (`/api/v3/stages/<path>/`, listed in `/stages/all/`), lets bindings use
 * it, and lets the executor and the HTML pages run it. Nothing else is registered anywhere. Register a
 * kind only once it really checks what it claims to check: a stage that waves everyone through is worse
 * than no stage.
 *
 * A stage's life in one flow attempt: when the flow reaches its binding the engine calls `challenge`; the
 * stage either answers `done` (nothing to ask, e.g. an authenticator check for a user with no device),
 * `deny`, or a `challenge` that goes to the client. The client's answer goes to `solve`, whose outcome is
 * treated the same way (a challenge with `response_errors` asks again). Per-attempt data lives in
 * `run.state` (persisted in the flow session between requests, so it must stay JSON); a stage keeps its
 * own keys under `run.state.context[<kind>.<name>]`.
 */
export interface StageKind<Config extends object = Record<string, unknown>> {
  /** The stored kind and the URL segment under /api/v3/stages/ (e.g. `identification`, `authenticator/validate`). */
  readonly kind: string;
  /** The contract's admin form component (`ak-stage-identification-form`), shown in Stage.component. */
  readonly component: string;
  /** The challenge component this stage answers with (`ak-stage-identification`), used to match answers. */
  readonly challengeComponent: string;
  /** What the kind does, in one sentence (the TypeCreate description of /stages/all/types/). */
  readonly description: string;
  /** Stage.verbose_name, verbose_name_plural and meta_model_name as the reference spells them. */
  readonly verboseName: string;
  readonly verboseNamePlural: string;
  readonly metaModelName: string;
  /** The contract's operationId prefix (`stages_identification`), for the OpenAPI document. */
  readonly operationPrefix: string;
  /** The kind's own fields: typebox object of everything besides the common Stage fields (pk, name …). */
  readonly configSchema: TObject;
  /** Values of the kind's fields when a create request leaves them out. */
  readonly defaults: Config;
  /**
   * Checks a complete configuration for references and rules the schema cannot express (a stage uuid that
   * must exist …). Answers field -> messages, or undefined when valid.
   */
  validate?(ctx: AppContext, config: Config): Promise<Record<string, string[]> | undefined>;
  /** Called when the flow reaches the stage (and again after a page reload while it is current). */
  challenge(run: StageRun<Config>): Promise<StageOutcome>;
  /** Checks the client's answer (already known to name this stage's challenge component). */
  solve(run: StageRun<Config>, response: Record<string, unknown>): Promise<StageOutcome>;
  /** The HTML rendering of this stage's challenge; without it the HTML pages cannot run flows using it. */
  readonly html?: StageHtml;
}

/** How a stage's challenge looks as an HTML form, and how that form's fields become the JSON answer. */
export interface StageHtml {
  /** The form's inner fields (the page adds the frame, the CSRF field and the submit button). */
  render(challenge: Challenge, errors: string[]): Html;
  /** The label of the submit button. */
  readonly submitLabel: string;
  /**
   * A second button that turns the question down (consent's Cancel). It is the page's to act on, not the
   * stage's: the form posts `decision=deny`, and the submit button `decision=allow`.
   */
  readonly cancelLabel?: string;
  /** The JSON answer the submitted form fields stand for. */
  response(fields: Readonly<Record<string, string>>): Record<string, unknown>;
}

/** A challenge as the executor sends it (one of the contract's ChallengeTypes, keyed by `component`). */
export type Challenge = { component: string; response_errors?: ResponseErrors } & Record<string, unknown>;

/** The contract's response_errors: field -> list of {string, code}. */
export type ResponseErrors = Record<string, Array<{ string: string; code: string }>>;

/** What a stage decides. */
export type StageOutcome =
  { kind: 'challenge'; challenge: Challenge } | { kind: 'done' } | { kind: 'deny'; message: string };

/** Who is running the flow and from where, as far as the engine may rely on it. */
export interface FlowClient {
  /** The end client's address: the request's, or the one an outpost vouched for (X-authentik-remote-ip). */
  readonly address: string;
  readonly userAgent: string;
  /** The outpost service account that called on the end client's behalf, if one did (a verified token). */
  readonly outpostUserId?: number;
  /** The user already signed in on this client (the login session), if any. */
  readonly signedInUser?: User;
  /**
   * The origin the client reached the core at (`https://sso.example.com`): what a WebAuthn answer must
   * have been made for. Without it, the configured external URL stands in (mfa/stages/relying-party.ts).
   */
  readonly origin?: string;
}

/** Side effects on the client's login session, performed by whichever rendering runs the flow. */
export interface SessionPort {
  /** Starts a login session for `user` (replacing the client's current one). */
  startSession(user: User, options: { maxAgeSeconds?: number }): Promise<void>;
  /** Ends the client's login session, if any. */
  endSession(): Promise<void>;
}

/** Where a stage says what happened, for the log only (never for the client): structured fields and a message. */
export interface FlowLog {
  info(fields: Record<string, unknown>, message: string): void;
}

/** Everything a stage sees while it runs. */
export interface StageRun<Config extends object = Record<string, unknown>> {
  readonly ctx: AppContext;
  readonly flow: FlowRecord;
  readonly stage: { readonly uuid: string; readonly name: string; readonly config: Config };
  /** The attempt's state; a stage may change `pendingUserId`, `pendingIdentifier` and its `context` keys. */
  readonly state: FlowState;
  readonly client: FlowClient;
  readonly session: SessionPort;
  readonly log: FlowLog;
  /** The user the flow is about so far (identified, or signed in), if any. */
  pendingUser(): Promise<User | undefined>;
  /** The fields every challenge carries: flow_info, pending_user and pending_user_avatar. */
  challengeBase(): Promise<Record<string, unknown>>;
}

/** A challenge outcome of `component` with the common fields and `fields`. */
export async function ask(
  run: StageRun<object>,
  component: string,
  fields: Record<string, unknown> = {},
): Promise<StageOutcome> {
  return { kind: 'challenge', challenge: { ...(await run.challengeBase()), component, ...fields } };
}

/** The same outcome with errors for the client to fix (a challenge only; `done` and `deny` pass through). */
export function withErrors(outcome: StageOutcome, errors: ResponseErrors): StageOutcome {
  if (outcome.kind !== 'challenge') return outcome;
  return { kind: 'challenge', challenge: { ...outcome.challenge, response_errors: errors } };
}

/** One response error of `field`. */
export function fieldError(field: string, message: string, code: string): ResponseErrors {
  return { [field]: [{ string: message, code }] };
}
