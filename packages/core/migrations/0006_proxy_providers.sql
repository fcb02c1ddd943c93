-- Proxy providers (each one IS an OAuth2 provider: its client in the core's authorization server, kept
-- confidential, unsigned by any keypair, with the outpost's callback as redirect URIs), and the scope mappings
-- a provider releases.

CREATE TABLE proxy_providers (
  provider_id integer PRIMARY KEY REFERENCES oauth2_providers (provider_id) ON DELETE CASCADE,
  -- The upstream in proxy mode; empty in the forward-auth modes.
  internal_host text NOT NULL DEFAULT '',
  external_host text NOT NULL,
  internal_host_ssl_validation boolean NOT NULL DEFAULT true,
  -- The TLS certificate the outpost serves on 9443 for external_host (by SNI).
  certificate uuid REFERENCES certificate_keypairs (kp_uuid) ON DELETE SET NULL,
  -- Newline-separated regular expressions of paths (or, in forward_domain mode, URLs) needing no sign-in.
  skip_path_regex text NOT NULL DEFAULT '',
  basic_auth_enabled boolean NOT NULL DEFAULT false,
  basic_auth_user_attribute text NOT NULL DEFAULT '',
  basic_auth_password_attribute text NOT NULL DEFAULT '',
  mode text NOT NULL DEFAULT 'proxy' CHECK (mode IN ('proxy', 'forward_single', 'forward_domain')),
  cookie_domain text NOT NULL DEFAULT '',
  -- 32 characters [A-Z0-9], made once: the outposts' key for session cookies and the OAuth state JWT.
  cookie_secret_sealed text NOT NULL,
  intercept_header_auth boolean NOT NULL DEFAULT true,
  CONSTRAINT proxy_providers_internal_host_in_proxy_mode CHECK (mode <> 'proxy' OR internal_host <> '')
);

CREATE INDEX proxy_providers_certificate ON proxy_providers (certificate) WHERE certificate IS NOT NULL;

-- The scope mappings a provider releases (and a proxy outpost requests). The mappings are built into the
-- core (oauth2/scope-mappings.ts) with stable uuids, so there is no table to refer to.
CREATE TABLE provider_property_mappings (
  provider_id integer NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  mapping uuid NOT NULL,
  PRIMARY KEY (provider_id, mapping)
);
