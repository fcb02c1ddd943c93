import { Type } from '@sinclair/typebox';
import { DEVICE_NAME_MAX } from '@palisade/schema';
import { html } from '../../flows/html.ts';
import { ask, type StageKind, type StageRun } from '../../flows/engine/stage.ts';
import { insertStaticDevice, newStaticCodes, STATIC_DEFAULTS } from '../static-devices-repository.ts';
import {
  contextKey,
  newDeviceName,
  NO_SETUP_USER,
  SETUP_DEFAULTS,
  SETUP_FIELDS,
  type SetupConfig,
  setupUser,
  validateSetup,
} from './setup-common.ts';

/** The recovery-code setup stage's fields. */
export interface StaticSetupConfig extends SetupConfig {
  token_count: number;
  token_length: number;
}

const KIND = 'authenticator_static';

// The codes being shown, sealed: the flow session is stored in the database until the user confirms.
function pendingCodes(run: StageRun<StaticSetupConfig>): string[] {
  const key = contextKey(run, KIND, 'codes');
  const sealed = run.state.context[key];
  if (typeof sealed === 'string') return JSON.parse(run.ctx.box.open(sealed)) as string[];
  const codes = newStaticCodes(run.stage.config.token_count, run.stage.config.token_length);
  run.state.context[key] = run.ctx.box.seal(JSON.stringify(codes));
  return codes;
}

async function setupChallenge(run: StageRun<StaticSetupConfig>) {
  if (!(await setupUser(run))) return NO_SETUP_USER;
  return ask(run, 'ak-stage-authenticator-static', { codes: pendingCodes(run) });
}

/**
 * Recovery codes: shows a set of new single-use codes once; when the user confirms they kept them, the
 * device is stored with the codes as keyed digests, so they can never be shown again.
 */
export const authenticatorStaticStage: StageKind<StaticSetupConfig> = {
  kind: 'authenticator/static',
  component: 'ak-stage-authenticator-static-form',
  challengeComponent: 'ak-stage-authenticator-static',
  description: 'Gives the user a set of single-use recovery codes.',
  verboseName: 'Static Authenticator Setup Stage',
  verboseNamePlural: 'Static Authenticator Setup Stages',
  metaModelName: 'authentik_stages_authenticator_static.authenticatorstaticstage',
  operationPrefix: 'stages_authenticator_static',
  configSchema: Type.Object({
    ...SETUP_FIELDS,
    // At least 8 characters of a 31-letter alphabet (about 40 bits): a code must not be guessable.
    token_count: Type.Integer({ minimum: 1, maximum: 100 }),
    token_length: Type.Integer({ minimum: 8, maximum: 100 }),
  }),
  defaults: { ...SETUP_DEFAULTS, token_count: STATIC_DEFAULTS.count, token_length: STATIC_DEFAULTS.length },
  validate: validateSetup,
  challenge: setupChallenge,
  async solve(run) {
    const challenge = await setupChallenge(run);
    const user = await setupUser(run);
    if (!user || challenge.kind !== 'challenge') return challenge;
    await insertStaticDevice(run.ctx.db, run.ctx.box, {
      userId: user.id,
      name: newDeviceName(run, DEVICE_NAME_MAX.static),
      codes: pendingCodes(run),
    });
    delete run.state.context[contextKey(run, KIND, 'codes')];
    return { kind: 'done' };
  },
  html: {
    submitLabel: 'I have saved these codes',
    render: (challenge) => {
      const codes = Array.isArray(challenge.codes) ? challenge.codes.map(String) : [];
      return html`<p class="note">
          Keep these recovery codes somewhere safe. Each one signs you in once when you cannot use your other
          authenticators; they are not shown again.
        </p>
        <ul class="codes" id="recovery-codes">
          ${codes.map((code) => html`<li><code>${code}</code></li>`)}
        </ul>`;
    },
    response: () => ({ component: 'ak-stage-authenticator-static' }),
  },
};
