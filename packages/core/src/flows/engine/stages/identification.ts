import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../context.ts';
import { findStage } from '../../stages-repository.ts';
import { html } from '../../html.ts';
import { findUserForLogin } from '../../../identity/users-repository.ts';
import { ask, fieldError, type StageKind, type StageRun, withErrors } from '../stage.ts';
import { checkPassword, PASSWORD_FAILED, stringField } from './password-check.ts';

/** Longest identifier looked up (an email column is 254 characters; usernames are shorter). */
const MAX_IDENTIFIER_LENGTH = 254;

const USER_FIELDS = ['email', 'username', 'upn'] as const;
const Uuid = Type.Union([Type.String({ format: 'uuid' }), Type.Null()]);

/** The identification stage's fields. */
export interface IdentificationConfig {
  user_fields: Array<(typeof USER_FIELDS)[number]>;
  password_stage: string | null;
  captcha_stage: string | null;
  case_insensitive_matching: boolean;
  show_matched_user: boolean;
  enrollment_flow: string | null;
  recovery_flow: string | null;
  passwordless_flow: string | null;
  sources: string[];
  show_source_labels: boolean;
  pretend_user_exists: boolean;
  enable_remember_me: boolean;
  webauthn_stage: string | null;
}

const PRIMARY_ACTION: Record<string, string> = {
  authentication: 'Log in',
  authorization: 'Continue',
  enrollment: 'Sign up',
  recovery: 'Continue',
  unenrollment: 'Continue',
  invalidation: 'Continue',
  stage_configuration: 'Continue',
};

/** The user a typed identifier names under the stage's `user_fields`, if any. */
async function identify(ctx: AppContext, config: IdentificationConfig, identifier: string) {
  const found = await findUserForLogin(ctx.db, identifier);
  if (!found) return undefined;
  const byUsername = found.user.username === identifier;
  if (byUsername ? !config.user_fields.includes('username') : !config.user_fields.includes('email'))
    return undefined;
  return found.user;
}

async function identificationChallenge(run: StageRun<IdentificationConfig>, typed?: string) {
  const config = run.stage.config;
  return ask(run, 'ak-stage-identification', {
    user_fields: config.user_fields,
    pending_user_identifier: typed ?? null,
    password_fields: config.password_stage !== null,
    allow_show_password: false,
    flow_designation: run.flow.designation,
    primary_action: PRIMARY_ACTION[run.flow.designation] ?? 'Continue',
    sources: [],
    show_source_labels: config.show_source_labels,
    enable_remember_me: config.enable_remember_me,
  });
}

/**
 * Identification: the client names an account by username or email (the stage's `user_fields`). With a
 * `password_stage`, the password comes in the same answer and is checked here (the outposts always send
 * it inline). Without one, an unknown identifier carries on as if it existed when `pretend_user_exists`,
 * so the next stage's failure looks the same for every identifier.
 */
export const identificationStage: StageKind<IdentificationConfig> = {
  kind: 'identification',
  component: 'ak-stage-identification-form',
  challengeComponent: 'ak-stage-identification',
  description: 'Asks for a username or email (and, with a password stage, the password on the same page).',
  verboseName: 'Identification Stage',
  verboseNamePlural: 'Identification Stages',
  metaModelName: 'authentik_stages_identification.identificationstage',
  operationPrefix: 'stages_identification',
  configSchema: Type.Object({
    user_fields: Type.Array(Type.Union(USER_FIELDS.map((f) => Type.Literal(f))), { maxItems: 3 }),
    password_stage: Uuid,
    captcha_stage: Uuid,
    case_insensitive_matching: Type.Boolean(),
    show_matched_user: Type.Boolean(),
    enrollment_flow: Uuid,
    recovery_flow: Uuid,
    passwordless_flow: Uuid,
    sources: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 100 }),
    show_source_labels: Type.Boolean(),
    pretend_user_exists: Type.Boolean(),
    enable_remember_me: Type.Boolean(),
    webauthn_stage: Uuid,
  }),
  defaults: {
    user_fields: ['email', 'username'],
    password_stage: null,
    captcha_stage: null,
    case_insensitive_matching: true,
    show_matched_user: true,
    enrollment_flow: null,
    recovery_flow: null,
    passwordless_flow: null,
    sources: [],
    show_source_labels: false,
    pretend_user_exists: true,
    enable_remember_me: false,
    webauthn_stage: null,
  },
  async validate(ctx, config) {
    const errors: Record<string, string[]> = {};
    if (config.password_stage && !(await findStage(ctx.db, config.password_stage, 'password')))
      errors.password_stage = [`Invalid pk "${config.password_stage}" - object does not exist.`];
    for (const [name, value] of [
      ['captcha_stage', config.captcha_stage],
      ['webauthn_stage', config.webauthn_stage],
    ] as const) {
      if (value) errors[name] = ['This kind of stage is not supported yet.'];
    }
    if (config.sources.length > 0) errors.sources = ['Sources are not supported yet.'];
    return Object.keys(errors).length ? errors : undefined;
  },
  challenge: (run) => identificationChallenge(run),
  async solve(run, response) {
    const config = run.stage.config;
    const identifier = (stringField(response, 'uid_field') ?? '').trim();
    const challenge = await identificationChallenge(run, identifier.slice(0, MAX_IDENTIFIER_LENGTH));
    if (config.password_stage) {
      // Every failure, a missing or over-long field included, is the same one failure at the same cost
      // (the sign-in check hashes even then), so no answer tells which accounts exist.
      const result = await checkPassword(
        run,
        identifier,
        stringField(response, 'password') ?? '',
        'non_field_errors',
      );
      return result.ok ? { kind: 'done' } : withErrors(challenge, result.errors);
    }
    if (!identifier || identifier.length > MAX_IDENTIFIER_LENGTH) {
      return withErrors(challenge, fieldError('uid_field', 'Enter a username or email.', 'invalid'));
    }
    const user = await identify(run.ctx, config, identifier);
    if (user) {
      run.state.pendingUserId = user.id;
      return { kind: 'done' };
    }
    if (!config.pretend_user_exists) {
      return withErrors(challenge, fieldError('non_field_errors', PASSWORD_FAILED, 'invalid'));
    }
    run.state.pendingIdentifier = identifier;
    return { kind: 'done' };
  },
  html: {
    submitLabel: 'Sign in',
    render: (challenge) =>
      html`<label for="uid_field">Username or email</label>
        <input
          id="uid_field"
          name="uid_field"
          autocomplete="username"
          autofocus
          required
          value="${String(challenge.pending_user_identifier ?? '')}"
        />
        ${
          challenge.password_fields
            ? html`<label for="password">Password</label>
                <input
                  id="password"
                  name="password"
                  type="password"
                  autocomplete="current-password"
                  required
                />`
            : ''
        }`,
    response: (fields) => ({
      component: 'ak-stage-identification',
      uid_field: fields.uid_field ?? '',
      password: fields.password ?? '',
    }),
  },
};
