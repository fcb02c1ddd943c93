-- RADIUS providers: what a RADIUS outpost needs to answer Access-Requests from network devices, and the
-- declarative property mappings that add attributes to an Access-Accept.

CREATE TABLE radius_providers (
  provider_id integer PRIMARY KEY REFERENCES providers (id) ON DELETE CASCADE,
  -- Comma-separated CIDRs the NAS may send from; checked and written canonically by the API.
  client_networks text NOT NULL DEFAULT '0.0.0.0/0, ::/0',
  -- Sealed with the instance key (identity/secret-box.ts): the outposts need it in clear to sign replies.
  shared_secret_sealed text NOT NULL,
  mfa_support boolean NOT NULL DEFAULT true,
  -- The server certificate for EAP-TLS and PEAP.
  certificate uuid REFERENCES certificate_keypairs (kp_uuid) ON DELETE SET NULL
);

CREATE INDEX radius_providers_certificate ON radius_providers (certificate) WHERE certificate IS NOT NULL;

-- A provider links its mappings through provider_property_mappings (uuid, no foreign key: scope mappings
-- are built in); deleting a mapping removes those links in the same transaction (radius/property-mappings.ts).
CREATE TABLE radius_property_mappings (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  managed text UNIQUE,
  -- The attributes resolved against the dictionary (@palisade/schema radius-attributes.ts RadiusReplyAttribute[]).
  attributes jsonb NOT NULL
);
