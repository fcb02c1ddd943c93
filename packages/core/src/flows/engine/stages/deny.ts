import { Type } from '@sinclair/typebox';
import type { StageKind } from '../stage.ts';

/** The deny stage's fields. */
export interface DenyConfig {
  deny_message: string;
}

/** Deny: ends the flow with access denied, with the configured message. */
export const denyStage: StageKind<DenyConfig> = {
  kind: 'deny',
  component: 'ak-stage-deny-form',
  challengeComponent: 'ak-stage-access-denied',
  description: 'Ends the flow with access denied.',
  verboseName: 'Deny Stage',
  verboseNamePlural: 'Deny Stages',
  metaModelName: 'authentik_stages_deny.denystage',
  operationPrefix: 'stages_deny',
  configSchema: Type.Object({ deny_message: Type.String({ maxLength: 1000 }) }),
  defaults: { deny_message: '' },
  async challenge(run) {
    return { kind: 'deny', message: run.stage.config.deny_message || 'Access denied.' };
  },
  async solve(run) {
    return { kind: 'deny', message: run.stage.config.deny_message || 'Access denied.' };
  },
};
