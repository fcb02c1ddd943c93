-- Flows (as named objects providers refer to), providers, OAuth2 providers, and the storage of the OAuth2 /
-- OpenID Connect server's own objects (codes, tokens, grants, interactions, sessions).

CREATE TABLE flows (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug varchar(50) NOT NULL UNIQUE,
  name text NOT NULL,
  title text NOT NULL,
  designation text NOT NULL CHECK (designation IN ('authentication', 'authorization', 'invalidation',
    'enrollment', 'unenrollment', 'recovery', 'stage_configuration'))
);

INSERT INTO flows (slug, name, title, designation) VALUES
  ('initial-setup', 'initial-setup', 'Welcome to Palisade', 'stage_configuration'),
  ('default-authentication-flow', 'Default authentication flow', 'Sign in', 'authentication'),
  ('default-invalidation-flow', 'Default invalidation flow', 'Sign out', 'invalidation'),
  ('default-provider-authorization-implicit-consent', 'Authorize Application', 'Redirecting', 'authorization'),
  ('default-provider-authorization-explicit-consent', 'Authorize Application', 'Authorize', 'authorization');

CREATE TABLE providers (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  authentication_flow uuid REFERENCES flows (uuid) ON DELETE SET NULL,
  authorization_flow uuid NOT NULL REFERENCES flows (uuid),
  invalidation_flow uuid NOT NULL REFERENCES flows (uuid)
);

CREATE TABLE oauth2_providers (
  provider_id integer PRIMARY KEY REFERENCES providers (id) ON DELETE CASCADE,
  client_type text NOT NULL DEFAULT 'confidential' CHECK (client_type IN ('confidential', 'public')),
  client_id varchar(255) NOT NULL UNIQUE,
  -- The client secret, sealed with the secret key (the HS256 signing key of providers without a keypair).
  client_secret_sealed text NOT NULL,
  -- [{"matching_mode": "strict" | "regex", "url": "..."}]
  redirect_uris jsonb NOT NULL DEFAULT '[]'::jsonb,
  access_code_validity text NOT NULL DEFAULT 'minutes=1',
  access_token_validity text NOT NULL DEFAULT 'hours=1',
  refresh_token_validity text NOT NULL DEFAULT 'days=30',
  include_claims_in_id_token boolean NOT NULL DEFAULT true,
  refresh_token_threshold text NOT NULL DEFAULT 'seconds=0',
  sub_mode text NOT NULL DEFAULT 'hashed_user_id'
    CHECK (sub_mode IN ('hashed_user_id', 'user_id', 'user_uuid', 'user_username', 'user_email', 'user_upn')),
  issuer_mode text NOT NULL DEFAULT 'per_provider' CHECK (issuer_mode IN ('global', 'per_provider')),
  logout_uri text NOT NULL DEFAULT '',
  logout_method text NOT NULL DEFAULT 'backchannel' CHECK (logout_method IN ('backchannel', 'frontchannel'))
);

ALTER TABLE applications ADD CONSTRAINT applications_provider_fk
  FOREIGN KEY (provider_id) REFERENCES providers (id) ON DELETE SET NULL;

CREATE TABLE oidc_models (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);

CREATE INDEX oidc_models_grant ON oidc_models (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_models_uid ON oidc_models (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_models_expiry ON oidc_models (expires_at);

-- Consent given on the explicit-consent flow, remembered per user and application until revoked.
CREATE TABLE user_consents (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  application uuid NOT NULL REFERENCES applications (pbm_uuid) ON DELETE CASCADE,
  scopes text[] NOT NULL,
  given_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, application)
);

-- Which authorization-server grants were made under which core login session, so signing out of the core
-- revokes the tokens issued under it.
CREATE TABLE session_grants (
  session_uuid uuid NOT NULL REFERENCES sessions (uuid) ON DELETE CASCADE,
  grant_id text NOT NULL,
  PRIMARY KEY (session_uuid, grant_id)
);
