import { Type } from '@sinclair/typebox';
import { recordEvent } from '../../../events/audit.ts';
import type { StageKind, StageOutcome, StageRun } from '../stage.ts';

/** Ends the client's login session, recording the reference's `logout` event when there was one. */
async function logOut(run: StageRun<Record<string, never>>): Promise<StageOutcome> {
  const user = run.client.signedInUser;
  await run.session.endSession();
  if (user) {
    await recordEvent(run.ctx, run.log, {
      action: 'logout',
      clientIp: run.client.address,
      user,
      context: { flow: run.flow.slug, http_request: { user_agent: run.client.userAgent } },
    });
  }
  return { kind: 'done' };
}

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
  challenge: logOut,
  solve: logOut,
};
