-- Flows as data: the flow's own settings, stages (one table for every kind, the kind's fields as JSON
-- checked by the kind's schema in flows/engine/stages/), ordered flow-stage bindings, and the server-side
-- state of flow attempts (flow sessions). The default flows are seeded here as data the admin can change.

ALTER TABLE flows
  ADD COLUMN background text NOT NULL DEFAULT '',
  ADD COLUMN policy_engine_mode text NOT NULL DEFAULT 'any' CHECK (policy_engine_mode IN ('all', 'any')),
  ADD COLUMN compatibility_mode boolean NOT NULL DEFAULT false,
  ADD COLUMN layout text NOT NULL DEFAULT 'stacked' CHECK (layout IN ('stacked', 'content_left',
    'content_right', 'sidebar_left', 'sidebar_right', 'sidebar_left_frame_background',
    'sidebar_right_frame_background')),
  ADD COLUMN denied_action text NOT NULL DEFAULT 'message_continue'
    CHECK (denied_action IN ('message_continue', 'message', 'continue')),
  ADD COLUMN authentication text NOT NULL DEFAULT 'none' CHECK (authentication IN ('none',
    'require_authenticated', 'require_unauthenticated', 'require_superuser', 'require_redirect',
    'require_outpost'));

CREATE TABLE stages (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  kind text NOT NULL,
  config jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE flow_stage_bindings (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  flow_uuid uuid NOT NULL REFERENCES flows (uuid) ON DELETE CASCADE,
  stage_uuid uuid NOT NULL REFERENCES stages (uuid) ON DELETE CASCADE,
  "order" integer NOT NULL,
  evaluate_on_plan boolean NOT NULL DEFAULT false,
  re_evaluate_policies boolean NOT NULL DEFAULT true,
  policy_engine_mode text NOT NULL DEFAULT 'any' CHECK (policy_engine_mode IN ('all', 'any')),
  invalid_response_action text NOT NULL DEFAULT 'retry'
    CHECK (invalid_response_action IN ('retry', 'restart', 'restart_with_context'))
);

CREATE INDEX flow_stage_bindings_flow ON flow_stage_bindings (flow_uuid, "order");
CREATE INDEX flow_stage_bindings_stage ON flow_stage_bindings (stage_uuid);

-- One flow attempt: the cookie carries a random key, only its SHA-256 is stored. A row is written only
-- once an answer moves the attempt on, so a GET that merely shows the first challenge stores nothing.
CREATE TABLE flow_sessions (
  key_digest text PRIMARY KEY,
  flow_uuid uuid NOT NULL REFERENCES flows (uuid) ON DELETE CASCADE,
  state jsonb NOT NULL,
  -- Bumped by every stored step, so of two answers racing on one state only one is taken.
  step integer NOT NULL DEFAULT 0,
  ended_at timestamptz,
  expires timestamptz NOT NULL
);

CREATE INDEX flow_sessions_expires ON flow_sessions (expires);

INSERT INTO flows (slug, name, title, designation) VALUES
  ('default-provider-invalidation-flow', 'Default provider invalidation flow', 'Signed out',
   'invalidation')
ON CONFLICT (slug) DO NOTHING;

INSERT INTO stages (name, kind, config) VALUES
  ('default-authentication-password', 'password', jsonb_build_object(
    'backends', jsonb_build_array('authentik.core.auth.InbuiltBackend'), 'configure_flow', NULL,
    'failed_attempts_before_cancel', 5, 'allow_show_password', false)),
  ('default-authentication-login', 'user_login', jsonb_build_object(
    'session_duration', 'seconds=0', 'terminate_other_sessions', false, 'remember_me_offset', 'seconds=0',
    'network_binding', 'no_binding', 'geoip_binding', 'no_binding', 'remember_device', 'days=30')),
  ('default-invalidation-logout', 'user_logout', '{}'),
  ('default-provider-authorization-consent', 'consent', jsonb_build_object(
    'mode', 'permanent', 'consent_expire_in', 'weeks=4'));

INSERT INTO stages (name, kind, config)
SELECT 'default-authentication-identification', 'identification', jsonb_build_object(
  'user_fields', jsonb_build_array('email', 'username'), 'password_stage', p.uuid, 'captcha_stage', NULL,
  'case_insensitive_matching', true, 'show_matched_user', true, 'enrollment_flow', NULL,
  'recovery_flow', NULL, 'passwordless_flow', NULL, 'sources', jsonb_build_array(),
  'show_source_labels', false, 'pretend_user_exists', true, 'enable_remember_me', false,
  'webauthn_stage', NULL)
FROM stages p WHERE p.name = 'default-authentication-password';

INSERT INTO flow_stage_bindings (flow_uuid, stage_uuid, "order")
SELECT f.uuid, s.uuid, b.ord
FROM (VALUES
  ('default-authentication-flow', 'default-authentication-identification', 10),
  ('default-authentication-flow', 'default-authentication-password', 20),
  ('default-authentication-flow', 'default-authentication-login', 100),
  ('default-provider-authorization-explicit-consent', 'default-provider-authorization-consent', 10),
  ('default-invalidation-flow', 'default-invalidation-logout', 10)
) AS b (flow, stage, ord)
JOIN flows f ON f.slug = b.flow
JOIN stages s ON s.name = b.stage;
