-- Users, groups, API tokens and login sessions: the identity every other part of Palisade builds on.
-- Statements end with a semicolon at the end of a line (the migration runner splits on that).

CREATE TABLE users (
  id serial PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  username varchar(150) NOT NULL UNIQUE,
  name text NOT NULL DEFAULT '',
  email varchar(254) NOT NULL DEFAULT '',
  is_active boolean NOT NULL DEFAULT true,
  type text NOT NULL DEFAULT 'internal'
    CHECK (type IN ('internal', 'external', 'service_account', 'internal_service_account')),
  path text NOT NULL DEFAULT 'users',
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- PHC-formatted argon2id hash; NULL means the user has no usable password.
  password text,
  password_change_date timestamptz NOT NULL DEFAULT now(),
  last_login timestamptz,
  date_joined timestamptz NOT NULL DEFAULT now(),
  last_updated timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX users_email_lower ON users (lower(email));

CREATE TABLE groups (
  id serial NOT NULL UNIQUE,
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  is_superuser boolean NOT NULL DEFAULT false,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  created timestamptz NOT NULL DEFAULT now()
);

-- A group may have several parents; members of a group are members of its ancestors for superuser checks.
CREATE TABLE group_parents (
  group_uuid uuid NOT NULL REFERENCES groups (uuid) ON DELETE CASCADE,
  parent_uuid uuid NOT NULL REFERENCES groups (uuid) ON DELETE CASCADE,
  PRIMARY KEY (group_uuid, parent_uuid),
  CHECK (group_uuid <> parent_uuid)
);

CREATE TABLE group_members (
  group_uuid uuid NOT NULL REFERENCES groups (uuid) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (group_uuid, user_id)
);

CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE tokens (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  identifier varchar(255) NOT NULL UNIQUE,
  intent text NOT NULL DEFAULT 'verification'
    CHECK (intent IN ('verification', 'api', 'recovery', 'app_password')),
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  description text NOT NULL DEFAULT '',
  expiring boolean NOT NULL DEFAULT true,
  expires timestamptz,
  managed text UNIQUE,
  -- The key itself is never stored: a keyed hash finds it, and an AES-GCM ciphertext lets view_key show it.
  key_digest text NOT NULL UNIQUE,
  key_sealed text NOT NULL,
  created timestamptz NOT NULL DEFAULT now(),
  last_used timestamptz
);

CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE sessions (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- SHA-256 of the cookie value: a database dump does not yield usable session cookies.
  key_digest text NOT NULL UNIQUE,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  expires timestamptz NOT NULL,
  client_address text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '',
  revoked_at timestamptz
);

CREATE INDEX sessions_user ON sessions (user_id);

-- One row per instance-wide value, such as the install id that user uids derive from.
CREATE TABLE instance_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

INSERT INTO instance_settings (key, value) VALUES ('install_id', gen_random_uuid()::text);
