-- Multi-factor authentication in the default flows, as data the admin can change: the default
-- authentication flow checks a second factor after the password (skipped for users without a device), a
-- setup flow per kind of authenticator lets a signed-in user add one, and a passwordless flow signs in with
-- a passkey alone.

INSERT INTO flows (slug, name, title, designation, authentication) VALUES
  ('default-authenticator-totp-setup', 'default-authenticator-totp-setup', 'Set up an authenticator app',
   'stage_configuration', 'require_authenticated'),
  ('default-authenticator-static-setup', 'default-authenticator-static-setup', 'Set up recovery codes',
   'stage_configuration', 'require_authenticated'),
  ('default-authenticator-webauthn-setup', 'default-authenticator-webauthn-setup',
   'Set up a passkey or security key', 'stage_configuration', 'require_authenticated'),
  ('default-passwordless-flow', 'default-passwordless-flow', 'Sign in with a passkey', 'authentication',
   'require_unauthenticated')
ON CONFLICT (slug) DO NOTHING;

INSERT INTO stages (name, kind, config) VALUES
  ('default-authentication-mfa-validation', 'authenticator/validate', jsonb_build_object(
    'not_configured_action', 'skip', 'device_classes', jsonb_build_array('static', 'totp', 'webauthn'),
    'configuration_stages', jsonb_build_array(), 'last_auth_threshold', 'seconds=0',
    'webauthn_user_verification', 'preferred', 'webauthn_hints', jsonb_build_array(),
    'webauthn_allowed_device_types', jsonb_build_array())),
  ('default-passwordless-validation', 'authenticator/validate', jsonb_build_object(
    'not_configured_action', 'deny', 'device_classes', jsonb_build_array('webauthn'),
    'configuration_stages', jsonb_build_array(), 'last_auth_threshold', 'seconds=0',
    'webauthn_user_verification', 'required', 'webauthn_hints', jsonb_build_array(),
    'webauthn_allowed_device_types', jsonb_build_array()))
ON CONFLICT (name) DO NOTHING;

INSERT INTO stages (name, kind, config)
SELECT 'default-authenticator-totp-setup', 'authenticator/totp', jsonb_build_object(
  'configure_flow', f.uuid, 'friendly_name', 'Authenticator app', 'digits', '6')
FROM flows f WHERE f.slug = 'default-authenticator-totp-setup'
ON CONFLICT (name) DO NOTHING;

INSERT INTO stages (name, kind, config)
SELECT 'default-authenticator-static-setup', 'authenticator/static', jsonb_build_object(
  'configure_flow', f.uuid, 'friendly_name', 'Recovery codes', 'token_count', 6, 'token_length', 12)
FROM flows f WHERE f.slug = 'default-authenticator-static-setup'
ON CONFLICT (name) DO NOTHING;

INSERT INTO stages (name, kind, config)
SELECT 'default-authenticator-webauthn-setup', 'authenticator/webauthn', jsonb_build_object(
  'configure_flow', f.uuid, 'friendly_name', 'Passkey', 'user_verification', 'preferred',
  'authenticator_attachment', NULL, 'resident_key_requirement', 'preferred', 'hints', jsonb_build_array(),
  'device_type_restrictions', jsonb_build_array(), 'prevent_duplicate_devices', false, 'max_attempts', 0)
FROM flows f WHERE f.slug = 'default-authenticator-webauthn-setup'
ON CONFLICT (name) DO NOTHING;

INSERT INTO flow_stage_bindings (flow_uuid, stage_uuid, "order")
SELECT f.uuid, s.uuid, b.ord
FROM (VALUES
  ('default-authentication-flow', 'default-authentication-mfa-validation', 30),
  ('default-authenticator-totp-setup', 'default-authenticator-totp-setup', 0),
  ('default-authenticator-static-setup', 'default-authenticator-static-setup', 0),
  ('default-authenticator-webauthn-setup', 'default-authenticator-webauthn-setup', 0),
  ('default-passwordless-flow', 'default-passwordless-validation', 10),
  ('default-passwordless-flow', 'default-authentication-login', 100)
) AS b (flow, stage, ord)
JOIN flows f ON f.slug = b.flow
JOIN stages s ON s.name = b.stage;
