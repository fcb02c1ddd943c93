import { Type } from '@sinclair/typebox';
import { DEVICE_NAME_MAX, WebAuthnDeviceType } from '@palisade/schema';
import { uniqueViolation } from '../../http/api-error.ts';
import { ask, fieldError, type StageKind, type StageRun, withErrors } from '../../flows/engine/stage.ts';
import {
  registrationOptions,
  type UserVerification,
  verifyRegistration,
  WebAuthnRefused,
} from '../webauthn.ts';
import { insertWebAuthnDevice } from '../webauthn-devices-repository.ts';
import { parseRegistrationResponse } from '../webauthn-input.ts';
import { flowRelyingParty } from './relying-party.ts';
import {
  contextKey,
  keptChallenge,
  newDeviceName,
  NO_SETUP_USER,
  SETUP_DEFAULTS,
  SETUP_FIELDS,
  type SetupConfig,
  setupUser,
  validateSetup,
} from './setup-common.ts';
import { webauthnControls, webauthnField } from './webauthn-html.ts';

/** The WebAuthn setup stage's fields. */
export interface WebAuthnSetupConfig extends SetupConfig {
  user_verification: UserVerification;
  authenticator_attachment: 'platform' | 'cross-platform' | null;
  resident_key_requirement: UserVerification;
  hints: string[];
  device_type_restrictions: string[];
  device_type_restrictions_obj: never[];
  prevent_duplicate_devices: boolean;
  max_attempts: number;
}

const KIND = 'authenticator_webauthn';
const Requirement = Type.Union(['required', 'preferred', 'discouraged'].map((v) => Type.Literal(v)));
const Hint = Type.Union(['security-key', 'client-device', 'hybrid'].map((v) => Type.Literal(v)));

async function setupChallenge(run: StageRun<WebAuthnSetupConfig>) {
  const user = await setupUser(run);
  const rp = flowRelyingParty(run);
  if (!user) return NO_SETUP_USER;
  if (!rp) return { kind: 'deny', message: 'Passkeys need the external URL to be configured.' } as const;
  const config = run.stage.config;
  const key = contextKey(run, KIND, 'challenge');
  const options = await registrationOptions(run.ctx.db, rp, user, {
    userVerification: config.user_verification,
    residentKey: config.resident_key_requirement,
    authenticatorAttachment: config.authenticator_attachment ?? undefined,
    challenge: keptChallenge(run, key),
  });
  const hints = config.hints;
  run.state.context[key] = options.challenge;
  return ask(run, 'ak-stage-authenticator-webauthn', { registration: { ...options, hints } });
}

/**
 * WebAuthn setup: asks the browser for a new credential (a passkey or security key) for this relying party
 * and stores it once its attestation checks out against the challenge, the origin and the RP ID. Every
 * challenge is new, and the one answered is forgotten, so an answer cannot be replayed.
 */
export const authenticatorWebAuthnStage: StageKind<WebAuthnSetupConfig> = {
  kind: 'authenticator/webauthn',
  component: 'ak-stage-authenticator-webauthn-form',
  challengeComponent: 'ak-stage-authenticator-webauthn',
  description: 'Registers a passkey or security key (WebAuthn) for the user.',
  verboseName: 'WebAuthn Authenticator Setup Stage',
  verboseNamePlural: 'WebAuthn Authenticator Setup Stages',
  metaModelName: 'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage',
  operationPrefix: 'stages_authenticator_webauthn',
  configSchema: Type.Object({
    ...SETUP_FIELDS,
    user_verification: Requirement,
    authenticator_attachment: Type.Union([
      Type.Literal('platform'),
      Type.Literal('cross-platform'),
      Type.Null(),
    ]),
    resident_key_requirement: Requirement,
    hints: Type.Array(Hint, { maxItems: 3 }),
    device_type_restrictions: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 100 }),
    // Read-only in the contract and always empty (no device types without the FIDO metadata service); a
    // schema that takes only [] lets a client send back what it read.
    device_type_restrictions_obj: Type.Array(WebAuthnDeviceType, { maxItems: 0 }),
    prevent_duplicate_devices: Type.Boolean(),
    max_attempts: Type.Integer({ minimum: 0, maximum: 1000 }),
  }),
  defaults: {
    ...SETUP_DEFAULTS,
    user_verification: 'preferred',
    authenticator_attachment: null,
    resident_key_requirement: 'preferred',
    hints: [],
    device_type_restrictions: [],
    device_type_restrictions_obj: [],
    prevent_duplicate_devices: false,
    max_attempts: 0,
  },
  async validate(ctx, config) {
    const errors = { ...(await validateSetup(ctx, config)) };
    // Restricting by device type needs the FIDO metadata service, which Palisade does not fetch.
    if (config.device_type_restrictions.length > 0)
      errors.device_type_restrictions = ['Device type restrictions are not supported.'];
    return Object.keys(errors).length ? errors : undefined;
  },
  challenge: setupChallenge,
  async solve(run, response) {
    const user = await setupUser(run);
    const key = contextKey(run, KIND, 'challenge');
    const expectedChallenge = run.state.context[key];
    const rp = flowRelyingParty(run);
    if (!user || !rp || typeof expectedChallenge !== 'string') return setupChallenge(run);
    // The challenge answered is used up whatever the outcome: a new one comes with the next challenge.
    delete run.state.context[key];
    const parsed = parseRegistrationResponse(response.response);
    // Why goes to the log; the client hears one generic message.
    const refuse = async (reason: string) => {
      run.log.info({ stage: run.stage.name, user: user.username, reason }, 'webauthn registration refused');
      const failures = Number(run.state.context[contextKey(run, KIND, 'failures')] ?? 0) + 1;
      run.state.context[contextKey(run, KIND, 'failures')] = failures;
      const max = run.stage.config.max_attempts;
      if (max > 0 && failures >= max) return { kind: 'deny', message: 'Too many failed attempts.' } as const;
      return withErrors(
        await setupChallenge(run),
        fieldError('response', 'The authenticator could not be registered.', 'invalid'),
      );
    };
    if (!parsed) return refuse('malformed registration answer');
    try {
      const credential = await verifyRegistration({
        response: parsed,
        expectedChallenge,
        rp,
        requireUserVerification: run.stage.config.user_verification === 'required',
        userId: user.id,
        name: newDeviceName(run, DEVICE_NAME_MAX.webauthn),
      });
      await insertWebAuthnDevice(run.ctx.db, credential);
    } catch (error) {
      if (error instanceof WebAuthnRefused) return refuse(error.message);
      if (uniqueViolation(error)) return refuse('credential registered already');
      throw error;
    }
    return { kind: 'done' };
  },
  html: {
    submitLabel: 'Continue',
    render: (challenge) =>
      webauthnControls('register', challenge.registration, 'Register a passkey or security key'),
    response: (fields) => ({ component: 'ak-stage-authenticator-webauthn', response: webauthnField(fields) }),
  },
};
