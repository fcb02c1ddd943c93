-- Applications and the policy bindings that decide who may use them.
-- An application's pk is its "policy binding model" uuid: bindings point at it as their target, as they will
-- at flows and other bindable objects later, so `target` has no foreign key.

CREATE TABLE applications (
  pbm_uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug varchar(50) NOT NULL UNIQUE CHECK (slug ~ '^[-a-zA-Z0-9_]+$'),
  -- The provider that serves the application (OAuth2, proxy …); providers arrive with their own tables.
  provider_id integer UNIQUE,
  open_in_new_tab boolean NOT NULL DEFAULT false,
  meta_launch_url text NOT NULL DEFAULT '',
  meta_icon text NOT NULL DEFAULT '',
  meta_description text NOT NULL DEFAULT '',
  meta_publisher text NOT NULL DEFAULT '',
  policy_engine_mode text NOT NULL DEFAULT 'any' CHECK (policy_engine_mode IN ('all', 'any')),
  "group" text NOT NULL DEFAULT ''
);

CREATE TABLE policy_bindings (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  target uuid NOT NULL,
  -- Exactly one of these says what the binding checks.
  policy_uuid uuid,
  group_uuid uuid REFERENCES groups (uuid) ON DELETE CASCADE,
  user_id integer REFERENCES users (id) ON DELETE CASCADE,
  negate boolean NOT NULL DEFAULT false,
  enabled boolean NOT NULL DEFAULT true,
  "order" integer NOT NULL,
  timeout integer NOT NULL DEFAULT 30 CHECK (timeout >= 0),
  failure_result boolean NOT NULL DEFAULT false,
  CHECK (num_nonnulls(policy_uuid, group_uuid, user_id) = 1)
);

CREATE INDEX policy_bindings_target ON policy_bindings (target);
