-- LDAP providers: what an LDAP outpost needs to serve a read-only directory of users and groups under one
-- base DN. Every column has a default, so a provider is complete from its providers row alone.

CREATE TABLE ldap_providers (
  provider_id integer PRIMARY KEY REFERENCES providers (id) ON DELETE CASCADE,
  base_dn text NOT NULL DEFAULT 'DC=ldap,DC=goauthentik,DC=io',
  -- The certificate the outpost serves on LDAPS and StartTLS (chosen by SNI against tls_server_name).
  certificate uuid REFERENCES certificate_keypairs (kp_uuid) ON DELETE SET NULL,
  tls_server_name text NOT NULL DEFAULT '',
  uid_start_number integer NOT NULL DEFAULT 2000,
  gid_start_number integer NOT NULL DEFAULT 4000,
  search_mode text NOT NULL DEFAULT 'direct' CHECK (search_mode IN ('direct', 'cached')),
  bind_mode text NOT NULL DEFAULT 'direct' CHECK (bind_mode IN ('direct', 'cached')),
  mfa_support boolean NOT NULL DEFAULT true,
  -- Members of this group (or of its descendants) may search the whole directory; null: nobody may.
  search_group uuid REFERENCES groups (uuid) ON DELETE SET NULL
);

CREATE INDEX ldap_providers_certificate ON ldap_providers (certificate) WHERE certificate IS NOT NULL;
