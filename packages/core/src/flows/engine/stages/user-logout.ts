import { Type } from '@sinclair/typebox';
import type { StageKind } from '../stage.ts';

/** User logout: ends the client's login session (and everything issued under it), then continues. */
export const userLogoutStage: StageKind<Record<string, never>> = {
  kind: 'user_logout',
  component: 'ak-stage-user-logout-form',
  challengeComponent: 'ak-stage-user-logout',
  description: "Ends the client's login session.",
  verboseName: 'User Logout Stage',
  verboseNamePlural: 'User Logout Stages',
  metaModelName: 'authentik_stages_user_logout.userlogoutstage',
  operationPrefix: 'stages_user_logout',
  configSchema: Type.Object({}),
  defaults: {},
  async challenge(run) {
    await run.session.endSession();
    return { kind: 'done' };
  },
  async solve(run) {
    await run.session.endSession();
    return { kind: 'done' };
  },
};
