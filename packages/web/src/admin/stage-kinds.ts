/**
 * The stage kinds the console has forms for: each kind's API path under /stages/, its admin form component
 * (as the core presents it in Stage.component), and the fields its form shows, as data one form renders.
 */

/** A stage kind's field, as its form shows it. */
export type StageField = { key: string; label: string; hint?: string } & (
  | { type: 'text' | 'number' | 'check' }
  | { type: 'select' | 'checklist'; options: Array<[string, string]> }
  /** A select of the stages of `component` (null: "None"). */
  | { type: 'stage'; component: string }
  /** Checkboxes choosing stages of the `components`. */
  | { type: 'stages'; components: string[] }
  /** A select of the flows of `designation` (null: "None"). */
  | { type: 'flow'; designation: string }
);

/** A stage kind: its label, where its API is, its component and its form's fields. */
export interface StageKindForm {
  label: string;
  /** The segment under /api/v3/stages/ (`identification`, `authenticator/validate`). */
  path: string;
  component: string;
  fields: StageField[];
  /** What a new stage's fields start as: the core's defaults (test/stage-kinds.test.ts holds them equal). */
  defaults: Record<string, unknown>;
}

const REQUIREMENT: Array<[string, string]> = [
  ['required', 'required'],
  ['preferred', 'preferred'],
  ['discouraged', 'discouraged'],
];

const HINTS: Array<[string, string]> = [
  ['security-key', 'Security key'],
  ['client-device', 'This device'],
  ['hybrid', 'Another device (hybrid)'],
];

const DURATION_HINT = 'A duration such as hours=8, days=1 or weeks=4.';

const SETUP: StageField[] = [
  {
    key: 'friendly_name',
    label: 'Friendly name',
    type: 'text',
    hint: 'What the user sees; blank: the name.',
  },
  {
    key: 'configure_flow',
    label: 'Configure flow',
    type: 'flow',
    designation: 'stage_configuration',
    hint: 'The setup flow users are sent to from their MFA devices page.',
  },
];

const SETUP_DEFAULTS = { friendly_name: '', configure_flow: null };

const SETUP_COMPONENTS = [
  'ak-stage-authenticator-totp-form',
  'ak-stage-authenticator-static-form',
  'ak-stage-authenticator-webauthn-form',
];

/** Every kind with a form, in the order the kind select offers them. */
export const STAGE_KIND_FORMS: StageKindForm[] = [
  {
    label: 'Identification',
    path: 'identification',
    component: 'ak-stage-identification-form',
    defaults: {
      user_fields: ['email', 'username'],
      password_stage: null,
      case_insensitive_matching: true,
      show_matched_user: true,
      pretend_user_exists: true,
      enable_remember_me: false,
    },
    fields: [
      {
        key: 'user_fields',
        label: 'User fields',
        type: 'checklist',
        options: [
          ['username', 'Username'],
          ['email', 'Email'],
          ['upn', 'UPN'],
        ],
      },
      {
        key: 'password_stage',
        label: 'Password stage',
        type: 'stage',
        component: 'ak-stage-password-form',
        hint: 'Asks for the password on the same page (the outposts always send it there).',
      },
      { key: 'case_insensitive_matching', label: 'Case-insensitive matching', type: 'check' },
      { key: 'show_matched_user', label: 'Show the matched user', type: 'check' },
      { key: 'pretend_user_exists', label: 'Pretend an unknown user exists', type: 'check' },
      { key: 'enable_remember_me', label: 'Offer "remember me"', type: 'check' },
    ],
  },
  {
    label: 'Password',
    path: 'password',
    component: 'ak-stage-password-form',
    defaults: {
      backends: ['authentik.core.auth.InbuiltBackend'],
      failed_attempts_before_cancel: 5,
      allow_show_password: false,
      configure_flow: null,
    },
    fields: [
      {
        key: 'backends',
        label: 'Backends',
        type: 'checklist',
        options: [['authentik.core.auth.InbuiltBackend', 'Palisade users (built in)']],
      },
      { key: 'failed_attempts_before_cancel', label: 'Failed attempts before cancel', type: 'number' },
      { key: 'allow_show_password', label: 'Allow showing the password', type: 'check' },
      { key: 'configure_flow', label: 'Configure flow', type: 'flow', designation: 'stage_configuration' },
    ],
  },
  {
    label: 'Authenticator validation',
    path: 'authenticator/validate',
    component: 'ak-stage-authenticator-validate-form',
    defaults: {
      device_classes: ['static', 'totp', 'webauthn'],
      not_configured_action: 'skip',
      configuration_stages: [],
      last_auth_threshold: 'seconds=0',
      webauthn_user_verification: 'preferred',
      webauthn_hints: [],
    },
    fields: [
      {
        key: 'device_classes',
        label: 'Device classes',
        type: 'checklist',
        options: [
          ['totp', 'Authenticator app (TOTP)'],
          ['static', 'Recovery codes'],
          ['webauthn', 'Passkeys and security keys (WebAuthn)'],
        ],
      },
      {
        key: 'not_configured_action',
        label: 'When the user has no device of these classes',
        type: 'select',
        options: [
          ['skip', 'Skip this stage'],
          ['deny', 'Deny access'],
          ['configure', 'Set one up (with a configuration stage)'],
        ],
      },
      {
        key: 'configuration_stages',
        label: 'Configuration stages',
        type: 'stages',
        components: SETUP_COMPONENTS,
        hint: 'The setup stages offered when the action is "Set one up".',
      },
      {
        key: 'last_auth_threshold',
        label: 'Last authentication threshold',
        type: 'text',
        hint: `Passes without asking when a device was used this recently; seconds=0 asks every time. ${DURATION_HINT}`,
      },
      {
        key: 'webauthn_user_verification',
        label: 'WebAuthn user verification',
        type: 'select',
        options: REQUIREMENT,
      },
      { key: 'webauthn_hints', label: 'WebAuthn hints', type: 'checklist', options: HINTS },
    ],
  },
  {
    label: 'User login',
    path: 'user_login',
    component: 'ak-stage-user-login-form',
    defaults: {
      session_duration: 'seconds=0',
      remember_me_offset: 'seconds=0',
      terminate_other_sessions: false,
    },
    fields: [
      {
        key: 'session_duration',
        label: 'Session duration',
        type: 'text',
        hint: `seconds=0: the core's session length. ${DURATION_HINT}`,
      },
      {
        key: 'remember_me_offset',
        label: 'Remember-me offset',
        type: 'text',
        hint: 'Above seconds=0, the user is asked whether to stay signed in this much longer.',
      },
      { key: 'terminate_other_sessions', label: "End the user's other sessions", type: 'check' },
    ],
  },
  {
    label: 'User logout',
    path: 'user_logout',
    component: 'ak-stage-user-logout-form',
    fields: [],
    defaults: {},
  },
  {
    label: 'Consent',
    path: 'consent',
    component: 'ak-stage-consent-form',
    defaults: { mode: 'always_require', consent_expire_in: 'weeks=4' },
    fields: [
      {
        key: 'mode',
        label: 'Mode',
        type: 'select',
        options: [
          ['always_require', 'Always ask'],
          ['permanent', 'Ask once per application and scope'],
          ['expiring', 'Ask again after a while'],
        ],
      },
      { key: 'consent_expire_in', label: 'Consent expires in', type: 'text', hint: DURATION_HINT },
    ],
  },
  {
    label: 'Deny',
    path: 'deny',
    component: 'ak-stage-deny-form',
    defaults: { deny_message: '' },
    fields: [{ key: 'deny_message', label: 'Message', type: 'text', hint: 'Blank: "Access denied."' }],
  },
  {
    label: 'Authenticator app (TOTP) setup',
    path: 'authenticator/totp',
    component: 'ak-stage-authenticator-totp-form',
    defaults: { ...SETUP_DEFAULTS, digits: '6' },
    fields: [
      ...SETUP,
      {
        key: 'digits',
        label: 'Digits',
        type: 'select',
        options: [
          ['6', '6'],
          ['8', '8'],
        ],
      },
    ],
  },
  {
    label: 'Recovery codes setup',
    path: 'authenticator/static',
    component: 'ak-stage-authenticator-static-form',
    defaults: { ...SETUP_DEFAULTS, token_count: 6, token_length: 12 },
    fields: [
      ...SETUP,
      { key: 'token_count', label: 'Number of codes', type: 'number' },
      { key: 'token_length', label: 'Length of a code', type: 'number' },
    ],
  },
  {
    label: 'WebAuthn setup',
    path: 'authenticator/webauthn',
    component: 'ak-stage-authenticator-webauthn-form',
    defaults: {
      ...SETUP_DEFAULTS,
      user_verification: 'preferred',
      resident_key_requirement: 'preferred',
      authenticator_attachment: null,
      hints: [],
      prevent_duplicate_devices: false,
      max_attempts: 0,
    },
    fields: [
      ...SETUP,
      { key: 'user_verification', label: 'User verification', type: 'select', options: REQUIREMENT },
      {
        key: 'resident_key_requirement',
        label: 'Discoverable credential',
        type: 'select',
        options: REQUIREMENT,
      },
      {
        key: 'authenticator_attachment',
        label: 'Authenticator attachment',
        type: 'select',
        options: [
          ['', 'Any'],
          ['platform', 'This device (platform)'],
          ['cross-platform', 'Security key (cross-platform)'],
        ],
      },
      { key: 'hints', label: 'Hints', type: 'checklist', options: HINTS },
      { key: 'prevent_duplicate_devices', label: 'Refuse a device registered before', type: 'check' },
      { key: 'max_attempts', label: 'Maximum attempts', type: 'number', hint: '0: no limit.' },
    ],
  },
];

/** The form of the kind whose admin component is `component`, if the console has one. */
export function stageKindForm(component: string): StageKindForm | undefined {
  return STAGE_KIND_FORMS.find((k) => k.component === component);
}
