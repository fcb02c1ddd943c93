import { Type } from '@sinclair/typebox';
import { recordEvent } from '../../../events/audit.ts';
import { endUserSessions } from '../../../sessions/end-session.ts';
import { PASSWORD_VERIFIED } from './password-check.ts';
import { durationSeconds } from '../duration.ts';
import { isAuthenticated } from '../state.ts';
import { ask, type StageKind, type StageOutcome, type StageRun } from '../stage.ts';

/** The user login stage's fields. */
export interface UserLoginConfig {
  session_duration: string;
  terminate_other_sessions: boolean;
  remember_me_offset: string;
  network_binding: string;
  geoip_binding: string;
  remember_device: string;
}

const Duration = Type.String({ minLength: 1, maxLength: 200 });

async function logIn(run: StageRun<UserLoginConfig>, rememberMe: boolean): Promise<StageOutcome> {
  const user = await run.pendingUser();
  if (!user?.isActive || !isAuthenticated(run.state)) {
    // Only a user this attempt authenticated may be logged in; identification alone proves nothing.
    return { kind: 'deny', message: 'No user was authenticated.' };
  }
  const config = run.stage.config;
  const duration = durationSeconds(config.session_duration) ?? 0;
  const offset = rememberMe ? (durationSeconds(config.remember_me_offset) ?? 0) : 0;
  const base = duration > 0 ? duration : run.ctx.config.session.max_age_seconds;
  if (config.terminate_other_sessions) await endUserSessions(run.ctx, user.id);
  await run.session.startSession(user, { maxAgeSeconds: base + Math.max(offset, 0) });
  // The reference's `login` event (issue 19, point 7); last_login was set when the password was checked.
  await recordEvent(run.ctx, run.log, {
    action: 'login',
    clientIp: run.client.address,
    user,
    context: {
      auth_method: run.state.context[PASSWORD_VERIFIED] === user.id ? 'password' : 'flow',
      flow: run.flow.slug,
      http_request: { user_agent: run.client.userAgent },
    },
  });
  return { kind: 'done' };
}

/**
 * User login: turns the authenticated pending user into a login session. With a remember-me offset the
 * client is first asked whether to stay signed in longer (`ak-stage-user-login`); otherwise it logs in
 * straight away.
 */
export const userLoginStage: StageKind<UserLoginConfig> = {
  kind: 'user_login',
  component: 'ak-stage-user-login-form',
  challengeComponent: 'ak-stage-user-login',
  description: 'Starts the login session of the authenticated user.',
  verboseName: 'User Login Stage',
  verboseNamePlural: 'User Login Stages',
  metaModelName: 'authentik_stages_user_login.userloginstage',
  operationPrefix: 'stages_user_login',
  configSchema: Type.Object({
    session_duration: Duration,
    terminate_other_sessions: Type.Boolean(),
    remember_me_offset: Duration,
    network_binding: Type.Literal('no_binding'),
    geoip_binding: Type.Literal('no_binding'),
    remember_device: Duration,
  }),
  defaults: {
    session_duration: 'seconds=0',
    terminate_other_sessions: false,
    remember_me_offset: 'seconds=0',
    network_binding: 'no_binding',
    geoip_binding: 'no_binding',
    remember_device: 'days=30',
  },
  async validate(_ctx, config) {
    const errors: Record<string, string[]> = {};
    for (const name of ['session_duration', 'remember_me_offset', 'remember_device'] as const) {
      const seconds = durationSeconds(config[name]);
      if (seconds === undefined || seconds < 0)
        errors[name] = ['Use the format hours=1;minutes=2;seconds=3 with values of 0 or more.'];
    }
    return Object.keys(errors).length ? errors : undefined;
  },
  async challenge(run) {
    if (!durationSeconds(run.stage.config.remember_me_offset)) return logIn(run, false);
    if (!(await run.pendingUser())) return { kind: 'deny', message: 'No user was authenticated.' };
    return ask(run, 'ak-stage-user-login');
  },
  async solve(run, response) {
    return logIn(run, response.remember_me === true);
  },
};
