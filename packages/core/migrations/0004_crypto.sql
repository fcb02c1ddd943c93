-- Certificate-key pairs: X.509 certificates with an optional private key, used to sign tokens of OAuth2
-- providers and to serve TLS on outposts.

CREATE TABLE certificate_keypairs (
  kp_uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  -- PEM-encoded certificate (chain allowed; the first certificate is the keypair's own).
  certificate_data text NOT NULL,
  -- PEM-encoded private key sealed with the secret key; NULL when the pair has no private key.
  key_data_sealed text,
  -- The certificate's public key algorithm, kept for the list filter (the API derives the rest on read).
  key_type text CHECK (key_type IN ('rsa', 'ec', 'dsa', 'ed25519', 'ed448')),
  managed text UNIQUE,
  created timestamptz NOT NULL DEFAULT now(),
  last_updated timestamptz NOT NULL DEFAULT now()
);

-- How a provider's access tokens are made: opaque (usable at userinfo) or JWTs for its own audience, which is
-- what proxy outposts verify.
ALTER TABLE oauth2_providers ADD COLUMN access_token_format text NOT NULL DEFAULT 'opaque'
  CHECK (access_token_format IN ('opaque', 'jwt'));

-- The keypair that signs a provider's tokens; NULL signs them HS256 with the client secret.
ALTER TABLE oauth2_providers ADD COLUMN signing_key uuid REFERENCES certificate_keypairs (kp_uuid) ON DELETE SET NULL;
