-- Outposts: the services that enforce sign-in in front of applications (proxy, LDAP, RADIUS, RAC), the
-- providers each serves, and the live instances that report in over the websocket.

CREATE TABLE outposts (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  type text NOT NULL DEFAULT 'proxy' CHECK (type IN ('proxy', 'ldap', 'radius', 'rac')),
  -- The service connection that deploys the outpost (NULL: deployed by hand); its table comes with the
  -- Docker and Kubernetes integrations.
  service_connection uuid,
  -- Every OutpostConfig key, defaults filled in by the core (see outposts/config.ts).
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  managed text UNIQUE,
  created timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE outpost_providers (
  outpost_uuid uuid NOT NULL REFERENCES outposts (uuid) ON DELETE CASCADE,
  provider_id integer NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  PRIMARY KEY (outpost_uuid, provider_id)
);

CREATE INDEX outpost_providers_provider ON outpost_providers (provider_id);

-- One row per running instance of an outpost, written on every HELLO by whichever core process holds its
-- websocket, so every replica answers /health/ alike. A row older than 15 s is stale and not listed.
CREATE TABLE outpost_instances (
  outpost_uuid uuid NOT NULL REFERENCES outposts (uuid) ON DELETE CASCADE,
  uid text NOT NULL,
  last_seen timestamptz NOT NULL DEFAULT now(),
  version text NOT NULL DEFAULT '',
  build_hash text NOT NULL DEFAULT '',
  golang_version text NOT NULL DEFAULT '',
  openssl_enabled boolean NOT NULL DEFAULT false,
  openssl_version text NOT NULL DEFAULT '',
  fips_enabled boolean,
  hostname text NOT NULL DEFAULT '',
  args jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (outpost_uuid, uid)
);
