import { Type } from '@sinclair/typebox';
import type { StageRun } from '../../flows/engine/stage.ts';
import { isAuthenticated } from '../../flows/engine/state.ts';
import type { User } from '../../identity/users-repository.ts';
import { findFlow } from '../../flows/flows-repository.ts';
import type { AppContext } from '../../context.ts';

/** The fields every authenticator setup stage has (the contract's configure_flow and friendly_name). */
export interface SetupConfig {
  configure_flow: string | null;
  friendly_name: string;
}

/** The schema of SetupConfig's fields. */
export const SETUP_FIELDS = {
  configure_flow: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  friendly_name: Type.String({ maxLength: 200 }),
};

/** SetupConfig's defaults. */
export const SETUP_DEFAULTS: SetupConfig = { configure_flow: null, friendly_name: '' };

/** Checks that a configure_flow names an existing flow. */
export async function validateSetup(
  ctx: AppContext,
  config: SetupConfig,
): Promise<Record<string, string[]> | undefined> {
  if (config.configure_flow && !(await findFlow(ctx.db, config.configure_flow)))
    return { configure_flow: [`Invalid pk "${config.configure_flow}" - object does not exist.`] };
  return undefined;
}

/**
 * The user a setup stage may add a device to: the signed-in user, or the pending user once this attempt
 * has authenticated them. Identification alone is not enough: it would let anyone add their own
 * authenticator to somebody else's account.
 */
export async function setupUser(run: StageRun<object>): Promise<User | undefined> {
  const user = (await run.pendingUser()) ?? run.client.signedInUser;
  if (!user?.isActive) return undefined;
  if (isAuthenticated(run.state) || run.client.signedInUser?.id === user.id) return user;
  return undefined;
}

/** The name of a device a setup stage adds: its friendly name, else the stage's name. */
export function newDeviceName(run: StageRun<SetupConfig>, maxLength: number): string {
  return (run.stage.config.friendly_name.trim() || run.stage.name).slice(0, maxLength);
}

/** This stage's own key in the attempt's context (`<kind>.<stage uuid>.<what>`). */
export function contextKey(run: StageRun<object>, kind: string, what: string): string {
  return `${kind}.${run.stage.uuid}.${what}`;
}

/**
 * The WebAuthn challenge this stage keeps under `key` (base64url), or undefined. The engine asks a stage
 * for its challenge again before it checks an answer, so a challenge is made once and kept until an answer
 * uses it up; only then does the next one differ.
 */
export function keptChallenge(run: StageRun<object>, key: string): string | undefined {
  const kept = run.state.context[key];
  return typeof kept === 'string' ? kept : undefined;
}

/** The deny outcome when no user may set up a device here. */
export const NO_SETUP_USER = { kind: 'deny', message: 'Sign in to set up an authenticator.' } as const;
