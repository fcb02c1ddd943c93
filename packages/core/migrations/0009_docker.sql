-- Docker service connections: how the core reaches a Docker daemon (the local socket, unix://, http://
-- through a socket proxy, https:// with client certificates, ssh://) to deploy outposts there, and the last
-- state its monitor saw.

CREATE TABLE docker_service_connections (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  -- Reach the daemon the core's own environment names (DOCKER_HOST, else /var/run/docker.sock); url ignored.
  local boolean NOT NULL DEFAULT false,
  url text NOT NULL,
  -- The CA that verifies the daemon's certificate (https://); NULL verifies nothing.
  tls_verification uuid REFERENCES certificate_keypairs (kp_uuid) ON DELETE SET NULL,
  -- The client certificate and key (https://), or the SSH private key (ssh://).
  tls_authentication uuid REFERENCES certificate_keypairs (kp_uuid) ON DELETE SET NULL,
  -- The monitor's last answer, shared by every core replica; NULL until it first ran.
  state_healthy boolean,
  state_version text,
  state_checked timestamptz,
  created timestamptz NOT NULL DEFAULT now()
);

-- outposts.service_connection points into the table of whichever kind the connection is (Docker here,
-- Kubernetes in its own table), so no single FOREIGN KEY can hold it. ON DELETE SET NULL is kept by this
-- trigger on every kind's table instead; the API checks on write that the uuid names a connection.
-- (The body stays on one line: the migration runner splits statements at a semicolon ending a line.)
CREATE OR REPLACE FUNCTION outposts_release_service_connection() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN UPDATE outposts SET service_connection = NULL WHERE service_connection = OLD.uuid; RETURN OLD; END $$;

CREATE TRIGGER docker_service_connections_release AFTER DELETE ON docker_service_connections
  FOR EACH ROW EXECUTE FUNCTION outposts_release_service_connection();

CREATE INDEX outposts_service_connection ON outposts (service_connection);
