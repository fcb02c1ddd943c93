import { Type } from '@sinclair/typebox';
import { html } from '../../html.ts';
import { MAX_PASSWORD_LENGTH } from '../../../identity/passwords.ts';
import { ask, fieldError, type StageKind, withErrors } from '../stage.ts';
import { checkPassword, PASSWORD_VERIFIED, stringField } from './password-check.ts';

/** The backends a password can be checked against; Palisade has its own user database only. */
export const PASSWORD_BACKENDS = ['authentik.core.auth.InbuiltBackend'] as const;

/** The password stage's fields. */
export interface PasswordConfig {
  backends: string[];
  configure_flow: string | null;
  failed_attempts_before_cancel: number;
  allow_show_password: boolean;
}

const FAILURES = 'password.failures';

/**
 * Password: checks the pending user's password (or the identifier typed, when it named nobody: the answer
 * is then the same failure). Skipped when an earlier stage of this attempt already verified this user's
 * password (identification with an inline password). After `failed_attempts_before_cancel` failures the
 * attempt is denied.
 */
export const passwordStage: StageKind<PasswordConfig> = {
  kind: 'password',
  component: 'ak-stage-password-form',
  challengeComponent: 'ak-stage-password',
  description: "Checks the identified user's password.",
  verboseName: 'Password Stage',
  verboseNamePlural: 'Password Stages',
  metaModelName: 'authentik_stages_password.passwordstage',
  operationPrefix: 'stages_password',
  configSchema: Type.Object({
    backends: Type.Array(Type.Union(PASSWORD_BACKENDS.map((b) => Type.Literal(b))), { maxItems: 4 }),
    configure_flow: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    failed_attempts_before_cancel: Type.Integer({ minimum: 1, maximum: 1000 }),
    allow_show_password: Type.Boolean(),
  }),
  defaults: {
    backends: [...PASSWORD_BACKENDS],
    configure_flow: null,
    failed_attempts_before_cancel: 5,
    allow_show_password: false,
  },
  async validate(_ctx, config) {
    return config.backends.length === 0 ? { backends: ['This list may not be empty.'] } : undefined;
  },
  async challenge(run) {
    const verified = run.state.context[PASSWORD_VERIFIED];
    if (verified !== undefined && verified === run.state.pendingUserId) return { kind: 'done' };
    return ask(run, 'ak-stage-password', { allow_show_password: run.stage.config.allow_show_password });
  },
  async solve(run, response) {
    const password = stringField(response, 'password');
    const challenge = await passwordStage.challenge(run);
    if (!password || password.length > MAX_PASSWORD_LENGTH) {
      return withErrors(challenge, fieldError('password', 'Enter your password.', 'invalid'));
    }
    const user = await run.pendingUser();
    const identifier = user?.username ?? run.state.pendingIdentifier ?? '';
    const result = await checkPassword(run, identifier, password, 'password');
    if (result.ok) return { kind: 'done' };
    if (!result.throttled) {
      const failures = Number(run.state.context[FAILURES] ?? 0) + 1;
      run.state.context[FAILURES] = failures;
      if (failures >= run.stage.config.failed_attempts_before_cancel) {
        return { kind: 'deny', message: 'Too many failed attempts.' };
      }
    }
    return withErrors(challenge, result.errors);
  },
  html: {
    submitLabel: 'Continue',
    render: () =>
      html`<label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          autofocus
          required
        />`,
    response: (fields) => ({ component: 'ak-stage-password', password: fields.password ?? '' }),
  },
};
