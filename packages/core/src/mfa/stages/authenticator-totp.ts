import { Type } from '@sinclair/typebox';
import { renderSVG } from 'uqr';
import { DEVICE_NAME_MAX } from '@palisade/schema';
import { Html, html } from '../../flows/html.ts';
import { ask, fieldError, type StageKind, type StageRun, withErrors } from '../../flows/engine/stage.ts';
import { stringField } from '../../flows/engine/stages/password-check.ts';
import { newTotpSecret, TOTP_DEFAULTS, type TotpParameters, totpStepOf, totpUri } from '../totp.ts';
import { claimTotpStep, insertTotpDevice } from '../totp-devices-repository.ts';
import { confirmDevice } from '../devices-repository.ts';
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

/** The TOTP setup stage's fields. */
export interface TotpSetupConfig extends SetupConfig {
  digits: '6' | '8';
}

const KIND = 'authenticator_totp';

/** The issuer authenticator apps show beside the account name. */
const ISSUER = 'Palisade';

// The secret being set up, sealed with the instance key: the flow session is stored in the database.
async function pendingParameters(run: StageRun<TotpSetupConfig>): Promise<TotpParameters> {
  const key = contextKey(run, KIND, 'secret');
  const sealed = run.state.context[key];
  const digits = run.stage.config.digits === '8' ? 8 : 6;
  if (typeof sealed === 'string') return { ...TOTP_DEFAULTS, digits, secret: run.ctx.box.open(sealed) };
  const secret = newTotpSecret();
  run.state.context[key] = run.ctx.box.seal(secret);
  return { ...TOTP_DEFAULTS, digits, secret };
}

async function setupChallenge(run: StageRun<TotpSetupConfig>) {
  const user = await setupUser(run);
  if (!user) return NO_SETUP_USER;
  const parameters = await pendingParameters(run);
  return ask(run, 'ak-stage-authenticator-totp', { config_url: totpUri(parameters, user.username, ISSUER) });
}

/**
 * TOTP setup: shows a new secret as an otpauth:// URI (and, on the page, its QR code); the device is
 * stored, confirmed, only once the user enters a valid code of it, and that code's step counts as used.
 */
export const authenticatorTotpStage: StageKind<TotpSetupConfig> = {
  kind: 'authenticator/totp',
  component: 'ak-stage-authenticator-totp-form',
  challengeComponent: 'ak-stage-authenticator-totp',
  description: 'Sets up an authenticator app (TOTP) for the user.',
  verboseName: 'TOTP Authenticator Setup Stage',
  verboseNamePlural: 'TOTP Authenticator Setup Stages',
  metaModelName: 'authentik_stages_authenticator_totp.authenticatortotpstage',
  operationPrefix: 'stages_authenticator_totp',
  configSchema: Type.Object({
    ...SETUP_FIELDS,
    digits: Type.Union([Type.Literal('6'), Type.Literal('8')]),
  }),
  defaults: { ...SETUP_DEFAULTS, digits: '6' },
  validate: validateSetup,
  challenge: setupChallenge,
  async solve(run, response) {
    const challenge = await setupChallenge(run);
    const user = await setupUser(run);
    if (!user || challenge.kind !== 'challenge') return challenge;
    const code = (stringField(response, 'code') ?? '').trim();
    const parameters = await pendingParameters(run);
    const step = code.length <= 16 ? totpStepOf(parameters, code, Date.now()) : undefined;
    if (step === undefined) {
      return withErrors(challenge, fieldError('code', 'Code does not match.', 'invalid'));
    }
    await run.ctx.db.transaction(async (tx) => {
      const deviceId = await insertTotpDevice(tx, run.ctx.box, {
        userId: user.id,
        name: newDeviceName(run, DEVICE_NAME_MAX.totp),
        parameters,
      });
      await claimTotpStep(tx, deviceId, step);
      await confirmDevice(tx, 'totp', deviceId);
    });
    delete run.state.context[contextKey(run, KIND, 'secret')];
    return { kind: 'done' };
  },
  html: {
    submitLabel: 'Continue',
    render: (challenge) => {
      const uri = String(challenge.config_url ?? '');
      const secret = URL.canParse(uri) ? (new URL(uri).searchParams.get('secret') ?? '') : '';
      return html`<p class="note">
          Scan this code with your authenticator app, then enter the code it shows.
        </p>
        <div class="qr" aria-label="QR code of the authenticator setup">${new Html(renderSVG(uri))}</div>
        <p class="note">Or enter this key by hand: <code id="totp-secret">${secret}</code></p>
        <label for="code">Code</label>
        <input
          id="code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]*"
          maxlength="8"
          autofocus
          required
        />`;
    },
    response: (fields) => ({ component: 'ak-stage-authenticator-totp', code: fields.code ?? '' }),
  },
};
