-- Second-factor devices of users: TOTP authenticators, static recovery codes, WebAuthn credentials.
-- Nothing here lets a database dump alone produce a valid second factor: TOTP secrets are sealed with the
-- instance key (AES-256-GCM), recovery codes are kept as keyed digests (HMAC-SHA256 under the instance key),
-- and a WebAuthn credential holds only the authenticator's public key.

CREATE TABLE totp_devices (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name varchar(64) NOT NULL,
  -- A device being set up is unconfirmed until its owner has entered one valid code.
  confirmed boolean NOT NULL DEFAULT false,
  secret_sealed text NOT NULL,
  digits smallint NOT NULL DEFAULT 6 CHECK (digits IN (6, 8)),
  period smallint NOT NULL DEFAULT 30 CHECK (period > 0),
  algorithm text NOT NULL DEFAULT 'SHA1' CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
  -- The last time step whose code was accepted: a code of that step or an earlier one is refused (RFC 6238 §5.2).
  last_used_step bigint,
  created timestamptz NOT NULL DEFAULT now(),
  last_updated timestamptz NOT NULL DEFAULT now(),
  last_used timestamptz
);

CREATE INDEX totp_devices_user ON totp_devices (user_id);

CREATE TABLE static_devices (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name varchar(64) NOT NULL,
  confirmed boolean NOT NULL DEFAULT true,
  created timestamptz NOT NULL DEFAULT now(),
  last_updated timestamptz NOT NULL DEFAULT now(),
  last_used timestamptz
);

CREATE INDEX static_devices_user ON static_devices (user_id);

-- One row per unused recovery code; using a code deletes its row, so each works once.
CREATE TABLE static_tokens (
  id serial PRIMARY KEY,
  device_id integer NOT NULL REFERENCES static_devices (id) ON DELETE CASCADE,
  token_digest text NOT NULL,
  UNIQUE (device_id, token_digest)
);

CREATE TABLE webauthn_devices (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name varchar(200) NOT NULL,
  confirmed boolean NOT NULL DEFAULT true,
  -- The credential id as base64url (what the browser sends back in an assertion).
  credential_id text NOT NULL UNIQUE,
  -- The COSE public key, base64url.
  public_key text NOT NULL,
  -- The authenticator's signature counter: an assertion must carry a larger one (when either is non-zero).
  sign_count bigint NOT NULL DEFAULT 0 CHECK (sign_count >= 0),
  transports text[] NOT NULL DEFAULT '{}',
  aaguid text NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
  -- A discoverable (resident) credential can sign in without a username (a passkey as first factor).
  discoverable boolean NOT NULL DEFAULT false,
  backed_up boolean NOT NULL DEFAULT false,
  created timestamptz NOT NULL DEFAULT now(),
  last_updated timestamptz NOT NULL DEFAULT now(),
  last_used timestamptz
);

CREATE INDEX webauthn_devices_user ON webauthn_devices (user_id);
