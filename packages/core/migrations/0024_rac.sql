-- Remote access (RAC): providers, the endpoints they open, property mappings with static settings, and the
-- connection tokens a launch creates. Settings are Guacamole parameter names; the credentials among them
-- (password, private-key, passphrase) are kept out of the jsonb, sealed with the instance key in *_secrets_sealed
-- (an AES-GCM JSON object), so a database dump or an API answer never carries them in clear.

CREATE TABLE rac_providers (
  provider_id integer PRIMARY KEY REFERENCES providers (id) ON DELETE CASCADE,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  settings_secrets_sealed text,
  auth_mode text NOT NULL DEFAULT 'static' CHECK (auth_mode IN ('static', 'prompt')),
  -- How long a connection token lives after a launch (hours=1;minutes=2;seconds=3).
  connection_expiry text NOT NULL DEFAULT 'hours=8',
  delete_token_on_disconnect boolean NOT NULL DEFAULT false
);

CREATE TABLE rac_property_mappings (
  pm_uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  managed text UNIQUE,
  static_settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  static_secrets_sealed text
);

-- An endpoint's pk is its policy binding model uuid: policy bindings target it as they target applications.
CREATE TABLE rac_endpoints (
  pbm_uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  provider_id integer NOT NULL REFERENCES rac_providers (provider_id) ON DELETE CASCADE,
  protocol text NOT NULL CHECK (protocol IN ('rdp', 'vnc', 'ssh')),
  -- host or host:port ([v6]:port); the port goes to the outpost as the `port` setting.
  host text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  settings_secrets_sealed text,
  auth_mode text NOT NULL DEFAULT 'static' CHECK (auth_mode IN ('static', 'prompt')),
  -- -1: unlimited.
  maximum_connections integer NOT NULL DEFAULT 1 CHECK (maximum_connections >= -1)
);

CREATE INDEX rac_endpoints_provider ON rac_endpoints (provider_id);

CREATE TABLE rac_endpoint_property_mappings (
  endpoint_uuid uuid NOT NULL REFERENCES rac_endpoints (pbm_uuid) ON DELETE CASCADE,
  mapping uuid NOT NULL REFERENCES rac_property_mappings (pm_uuid) ON DELETE CASCADE,
  PRIMARY KEY (endpoint_uuid, mapping)
);

-- A launch's right to one connection: bound to the login session that launched it (ended with it), found by
-- a keyed digest of the random token in /if/rac/<token>/ (the token itself is not stored).
CREATE TABLE rac_connection_tokens (
  connection_token_uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id integer NOT NULL REFERENCES rac_providers (provider_id) ON DELETE CASCADE,
  endpoint_uuid uuid NOT NULL REFERENCES rac_endpoints (pbm_uuid) ON DELETE CASCADE,
  token_digest text NOT NULL UNIQUE,
  -- Settings the flow gathered (a prompt's connection_settings), sealed whole: they may hold credentials.
  settings_sealed text,
  session_uuid uuid NOT NULL REFERENCES sessions (uuid) ON DELETE CASCADE,
  created timestamptz NOT NULL DEFAULT now(),
  expires timestamptz NOT NULL
);

CREATE INDEX rac_connection_tokens_endpoint ON rac_connection_tokens (endpoint_uuid, expires);
CREATE INDEX rac_connection_tokens_session ON rac_connection_tokens (session_uuid);
