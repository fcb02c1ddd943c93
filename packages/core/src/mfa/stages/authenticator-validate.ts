import { Type } from '@sinclair/typebox';
import { WebAuthnDeviceType } from '@palisade/schema';
import { html } from '../../flows/html.ts';
import { durationSeconds } from '../../flows/engine/duration.ts';
import { markAuthenticated } from '../../flows/engine/state.ts';
import {
  ask,
  fieldError,
  type StageKind,
  type StageOutcome,
  type StageRun,
  withErrors,
} from '../../flows/engine/stage.ts';
import { stringField } from '../../flows/engine/stages/password-check.ts';
import { findUserById, type User } from '../../identity/users-repository.ts';
import { type DeviceKind, listUserDevices } from '../devices-repository.ts';
import { STATIC_CODE_MAX_LENGTH, useStaticCode } from '../static-devices-repository.ts';
import { verifyTotpCode } from '../totp-devices-repository.ts';
import {
  authenticationOptions,
  type UserVerification,
  verifyAuthentication,
  WebAuthnRefused,
} from '../webauthn.ts';
import { parseAuthenticationResponse } from '../webauthn-input.ts';
import { flowRelyingParty } from './relying-party.ts';
import { contextKey, keptChallenge } from './setup-common.ts';
import {
  recordSecondFactorFailure,
  recordSecondFactorSuccess,
  secondFactorWait,
} from './second-factor-throttle.ts';
import { webauthnControls, webauthnField } from './webauthn-html.ts';

const DEVICE_CLASSES = ['static', 'totp', 'webauthn', 'duo', 'sms', 'email'] as const;
const SUPPORTED: readonly string[] = ['static', 'totp', 'webauthn'] satisfies DeviceKind[];

/** The authenticator validation stage's fields. */
export interface ValidateConfig {
  not_configured_action: 'skip' | 'deny' | 'configure';
  device_classes: Array<(typeof DEVICE_CLASSES)[number]>;
  configuration_stages: string[];
  last_auth_threshold: string;
  webauthn_user_verification: UserVerification;
  webauthn_hints: string[];
  webauthn_allowed_device_types: string[];
  webauthn_allowed_device_types_obj: never[];
}

const KIND = 'authenticator_validate';
const Requirement = Type.Union(['required', 'preferred', 'discouraged'].map((v) => Type.Literal(v)));

/** The one message for a wrong code: it does not tell which kind of device was tried. */
export const CODE_FAILED = 'Invalid code.';
/** The one message for a refused WebAuthn answer. */
export const WEBAUTHN_FAILED = 'The security key or passkey could not be verified.';
/** The message while second-factor attempts are refused. */
export const SECOND_FACTOR_THROTTLED = 'Too many attempts: try again later.';

type Run = StageRun<ValidateConfig>;

function allows(run: Run, kind: DeviceKind): boolean {
  return (run.stage.config.device_classes as readonly string[]).includes(kind);
}

async function webauthnChallenge(run: Run, userId?: number) {
  const rp = flowRelyingParty(run);
  if (!rp || !allows(run, 'webauthn')) return undefined;
  const key = contextKey(run, KIND, 'challenge');
  const options = await authenticationOptions(run.ctx.db, rp, {
    userId,
    userVerification: run.stage.config.webauthn_user_verification,
    challenge: keptChallenge(run, key),
  });
  run.state.context[key] = options.challenge;
  return { ...options, hints: run.stage.config.webauthn_hints };
}

async function validateChallenge(run: Run): Promise<StageOutcome> {
  const user = await run.pendingUser();
  if (!user) {
    // No user yet: a passkey (a discoverable credential) may name and authenticate one.
    const challenge = await webauthnChallenge(run);
    if (!challenge) return { kind: 'deny', message: 'No user to authenticate.' };
    return ask(run, 'ak-stage-authenticator-validate', {
      device_challenges: [{ device_class: 'webauthn', device_uid: '-1', challenge, last_used: null }],
      configuration_stages: [],
    });
  }
  const devices = (await listUserDevices(run.ctx.db, user.id, { confirmedOnly: true })).filter((d) =>
    allows(run, d.kind),
  );
  if (devices.length === 0) {
    if (run.stage.config.not_configured_action === 'skip') return { kind: 'done' };
    return { kind: 'deny', message: 'No authenticator is set up for this account.' };
  }
  const threshold = durationSeconds(run.stage.config.last_auth_threshold) ?? 0;
  const recent = Date.now() - threshold * 1000;
  if (threshold > 0 && devices.some((d) => d.lastUsed && d.lastUsed.getTime() >= recent)) {
    return { kind: 'done' };
  }
  const challenges: Array<Record<string, unknown>> = [];
  let webauthnOffered = false;
  for (const device of devices) {
    const last_used = device.lastUsed?.toISOString() ?? null;
    if (device.kind !== 'webauthn') {
      challenges.push({ device_class: device.kind, device_uid: String(device.id), challenge: {}, last_used });
    } else if (!webauthnOffered) {
      // One WebAuthn challenge lists all of the user's credentials: the browser picks the one it holds.
      const challenge = await webauthnChallenge(run, user.id);
      if (challenge)
        challenges.push({ device_class: 'webauthn', device_uid: String(device.id), challenge, last_used });
      webauthnOffered = true;
    }
  }
  if (challenges.length === 0) return { kind: 'deny', message: 'No usable authenticator for this sign-in.' };
  return ask(run, 'ak-stage-authenticator-validate', {
    device_challenges: challenges,
    configuration_stages: [],
  });
}

// Checks a code against the user's TOTP devices, then their recovery codes (each only if allowed).
async function checkCode(run: Run, user: User, code: string): Promise<boolean> {
  if (code.length > STATIC_CODE_MAX_LENGTH) return false;
  const { db, box } = run.ctx;
  if (allows(run, 'totp') && (await verifyTotpCode(db, box, { userId: user.id, code })) !== undefined)
    return true;
  return allows(run, 'static') && (await useStaticCode(db, box, { userId: user.id, code })) !== undefined;
}

// Checks a WebAuthn assertion against the challenge this stage sent last (used up either way).
async function checkAssertion(
  run: Run,
  answer: unknown,
  user: User | undefined,
): Promise<number | undefined> {
  const key = contextKey(run, KIND, 'challenge');
  const expectedChallenge = run.state.context[key];
  delete run.state.context[key];
  const rp = flowRelyingParty(run);
  const response = parseAuthenticationResponse(answer);
  const early = !allows(run, 'webauthn')
    ? 'webauthn is not an allowed device class'
    : !rp
      ? 'no origin is known for the relying party'
      : !response
        ? 'malformed assertion'
        : typeof expectedChallenge !== 'string'
          ? 'no challenge was asked'
          : undefined;
  if (early || !rp || !response || typeof expectedChallenge !== 'string') {
    run.log.info(
      { stage: run.stage.name, user: user?.username, reason: early },
      'webauthn assertion refused',
    );
    return undefined;
  }
  try {
    const result = await verifyAuthentication(run.ctx.db, {
      response,
      expectedChallenge,
      rp,
      requireUserVerification: run.stage.config.webauthn_user_verification === 'required',
      userId: user?.id,
      userUuidOf: async (id) => (await findUserById(run.ctx.db, id))?.uuid,
    });
    return result.userId;
  } catch (error) {
    if (!(error instanceof WebAuthnRefused)) throw error;
    run.log.info(
      { stage: run.stage.name, user: user?.username, reason: error.message },
      'webauthn assertion refused',
    );
    return undefined;
  }
}

/**
 * Authenticator validation: asks the pending user for a second factor of the allowed device classes (a
 * TOTP code, a recovery code, or a WebAuthn assertion) and is skipped or denies, per `not_configured_action`,
 * when they have none. Without a pending user it offers a passkey as the first factor. Failures count
 * toward the login throttle (second-factor-throttle.ts); a code or assertion is accepted once.
 */
export const authenticatorValidateStage: StageKind<ValidateConfig> = {
  kind: 'authenticator/validate',
  component: 'ak-stage-authenticator-validate-form',
  challengeComponent: 'ak-stage-authenticator-validate',
  description: "Checks one of the user's second factors (TOTP, recovery code, WebAuthn).",
  verboseName: 'Authenticator Validation Stage',
  verboseNamePlural: 'Authenticator Validation Stages',
  metaModelName: 'authentik_stages_authenticator_validate.authenticatorvalidatestage',
  operationPrefix: 'stages_authenticator_validate',
  configSchema: Type.Object({
    not_configured_action: Type.Union(['skip', 'deny', 'configure'].map((v) => Type.Literal(v))),
    device_classes: Type.Array(Type.Union(DEVICE_CLASSES.map((v) => Type.Literal(v))), { maxItems: 6 }),
    configuration_stages: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 20 }),
    last_auth_threshold: Type.String({ minLength: 1, maxLength: 200 }),
    webauthn_user_verification: Requirement,
    webauthn_hints: Type.Array(
      Type.Union(['security-key', 'client-device', 'hybrid'].map((v) => Type.Literal(v))),
      { maxItems: 3 },
    ),
    webauthn_allowed_device_types: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 100 }),
    // Read-only in the contract and always empty (no device types without the FIDO metadata service); a
    // schema that takes only [] lets a client send back what it read.
    webauthn_allowed_device_types_obj: Type.Array(WebAuthnDeviceType, { maxItems: 0 }),
  }),
  defaults: {
    not_configured_action: 'skip',
    device_classes: ['static', 'totp', 'webauthn'],
    configuration_stages: [],
    last_auth_threshold: 'seconds=0',
    webauthn_user_verification: 'preferred',
    webauthn_hints: [],
    webauthn_allowed_device_types: [],
    webauthn_allowed_device_types_obj: [],
  },
  async validate(_ctx, config) {
    const errors: Record<string, string[]> = {};
    const unsupported = config.device_classes.filter((c) => !SUPPORTED.includes(c));
    if (unsupported.length) errors.device_classes = [`Not supported: ${unsupported.join(', ')}.`];
    if (config.device_classes.length === 0) errors.device_classes = ['This list may not be empty.'];
    if (config.not_configured_action === 'configure')
      errors.not_configured_action = ['"configure" is not supported yet: use a setup flow.'];
    const seconds = durationSeconds(config.last_auth_threshold);
    if (seconds === undefined || seconds < 0)
      errors.last_auth_threshold = ['Use the format hours=1;minutes=2;seconds=3 with values of 0 or more.'];
    if (config.webauthn_allowed_device_types.length > 0)
      errors.webauthn_allowed_device_types = ['Device type restrictions are not supported.'];
    return Object.keys(errors).length ? errors : undefined;
  },
  challenge: validateChallenge,
  async solve(run, response) {
    const user = await run.pendingUser();
    const address = run.client.address;
    const throttleKey = user?.username ?? `passkey@${address}`;
    const retry = async (field: string, message: string, code: string) =>
      withErrors(await validateChallenge(run), fieldError(field, message, code));
    if (secondFactorWait(run, throttleKey) > 0)
      return retry('non_field_errors', SECOND_FACTOR_THROTTLED, 'throttled');
    const code = (stringField(response, 'code') ?? '').trim();
    const assertion = response.webauthn;
    let authenticated: number | undefined;
    if (code && user) {
      if (await checkCode(run, user, code)) authenticated = user.id;
    } else if (assertion !== undefined && assertion !== null) {
      authenticated = await checkAssertion(run, assertion, user);
    } else {
      return retry('code', 'Enter a code, or use your security key or passkey.', 'required');
    }
    if (authenticated === undefined) {
      run.log.info(
        { stage: run.stage.name, user: user?.username, kind: code ? 'code' : 'webauthn' },
        'second factor refused',
      );
      recordSecondFactorFailure(run, throttleKey);
      return code ? retry('code', CODE_FAILED, 'invalid') : retry('webauthn', WEBAUTHN_FAILED, 'invalid');
    }
    recordSecondFactorSuccess(run, throttleKey);
    run.log.info({ stage: run.stage.name, user: authenticated }, 'second factor accepted');
    markAuthenticated(run.state, authenticated);
    return { kind: 'done' };
  },
  html: {
    submitLabel: 'Continue',
    render: (challenge) => {
      const list = Array.isArray(challenge.device_challenges)
        ? (challenge.device_challenges as Array<{ device_class?: string; challenge?: unknown }>)
        : [];
      const webauthn = list.find((c) => c.device_class === 'webauthn');
      const hasCodes = list.some((c) => c.device_class === 'totp' || c.device_class === 'static');
      return html`${
        hasCodes
          ? html`<label for="code">Code from your authenticator app, or a recovery code</label>
              <input id="code" name="code" autocomplete="one-time-code" maxlength="100" autofocus />`
          : ''
      }
      ${webauthn ? webauthnControls('authenticate', webauthn.challenge, 'Use a security key or passkey') : ''}`;
    },
    response: (fields) => {
      const webauthn = webauthnField(fields);
      return {
        component: 'ak-stage-authenticator-validate',
        ...(fields.code ? { code: fields.code } : {}),
        ...(webauthn === undefined ? {} : { webauthn }),
      };
    },
  },
};
