import { Type } from '@sinclair/typebox';
import { html } from '../../html.ts';
import { randomSecret, safeEqual } from '../../../identity/secret-box.ts';
import { consentedScopes, rememberConsent } from '../../../oauth2/consents-repository.ts';
import { ask, fieldError, type StageKind, withErrors } from '../stage.ts';
import { stringField } from './password-check.ts';

/** The consent stage's fields. */
export interface ConsentConfig {
  mode: 'always_require' | 'permanent' | 'expiring';
  consent_expire_in: string;
}

/**
 * What the client is asked to consent to: set in the attempt's context (under CONSENT_REQUEST) by whatever
 * started the flow for an application, e.g. an OAuth2 authorization.
 */
export interface ConsentRequest {
  applicationUuid: string;
  applicationName: string;
  permissions: Array<{ id: string; name: string }>;
}

/** The context key of the pending ConsentRequest. */
export const CONSENT_REQUEST = 'consent.request';
const TOKEN = 'consent.token';

function pendingRequest(context: Record<string, unknown>): ConsentRequest | undefined {
  return context[CONSENT_REQUEST] as ConsentRequest | undefined;
}

/**
 * Consent: asks the pending user to allow an application what it requested. `permanent` remembers the
 * answer per application and scope, so the next time only new scopes are asked; `always_require` asks
 * every time. Without a pending request (the flow runs for no application) there is nothing to ask.
 * The answer must echo the challenge's one-time token, so an answer prepared before the question was
 * shown is refused.
 */
export const consentStage: StageKind<ConsentConfig> = {
  kind: 'consent',
  component: 'ak-stage-consent-form',
  challengeComponent: 'ak-stage-consent',
  description: 'Asks the user to allow an application what it requested.',
  verboseName: 'Consent Stage',
  verboseNamePlural: 'Consent Stages',
  metaModelName: 'authentik_stages_consent.consentstage',
  operationPrefix: 'stages_consent',
  configSchema: Type.Object({
    mode: Type.Union([Type.Literal('always_require'), Type.Literal('permanent'), Type.Literal('expiring')]),
    consent_expire_in: Type.String({ minLength: 1, maxLength: 200 }),
  }),
  defaults: { mode: 'always_require', consent_expire_in: 'weeks=4' },
  async validate(_ctx, config) {
    // Remembered consent does not expire yet: refusing the mode beats silently keeping consent forever.
    return config.mode === 'expiring' ? { mode: ['Expiring consent is not supported yet.'] } : undefined;
  },
  async challenge(run) {
    const request = pendingRequest(run.state.context);
    const user = await run.pendingUser();
    if (!request) return { kind: 'done' };
    if (!user) return { kind: 'deny', message: 'No user was authenticated.' };
    if (run.stage.config.mode === 'permanent') {
      const given = new Set(await consentedScopes(run.ctx.db, user.id, request.applicationUuid));
      if (request.permissions.every((p) => given.has(p.id))) return { kind: 'done' };
    }
    const token = (run.state.context[TOKEN] as string | undefined) ?? randomSecret(18);
    run.state.context[TOKEN] = token;
    return ask(run, 'ak-stage-consent', {
      header_text: `${request.applicationName} asks to:`,
      permissions: request.permissions,
      additional_permissions: [],
      token,
    });
  },
  async solve(run, response) {
    const challenge = await consentStage.challenge(run);
    if (challenge.kind !== 'challenge') return challenge;
    const expected = String(run.state.context[TOKEN] ?? '');
    const token = stringField(response, 'token') ?? '';
    if (!expected || !safeEqual(expected, token)) {
      return withErrors(challenge, fieldError('token', 'The consent request expired. Try again.', 'invalid'));
    }
    const request = pendingRequest(run.state.context);
    const user = await run.pendingUser();
    if (request && user && run.stage.config.mode === 'permanent') {
      await rememberConsent(
        run.ctx.db,
        user.id,
        request.applicationUuid,
        request.permissions.map((p) => p.id),
      );
    }
    delete run.state.context[TOKEN];
    return { kind: 'done' };
  },
  html: {
    submitLabel: 'Continue',
    cancelLabel: 'Cancel',
    render: (challenge) => {
      const permissions = (challenge.permissions as Array<{ id: string; name: string }> | undefined) ?? [];
      return html`<p id="consent-header">${String(challenge.header_text ?? '')}</p>
        <ul id="scopes">
          ${permissions.map((p) => html`<li data-scope="${p.id}">${p.name}</li>`)}
        </ul>
        <input type="hidden" name="token" value="${String(challenge.token ?? '')}" />`;
    },
    response: (fields) => ({ component: 'ak-stage-consent', token: fields.token ?? '' }),
  },
};
