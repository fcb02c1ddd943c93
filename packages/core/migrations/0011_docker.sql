-- The Docker kind of service connection: how the core reaches a Docker daemon (the local socket, unix://,
-- http:// through a socket proxy, https:// with client certificates, ssh://) to deploy outposts there. Its
-- name, `local` flag and last state live in the base row (service_connections, 0010_kubernetes.sql), whose
-- foreign key from outposts.service_connection already sets it to NULL when the connection goes.

CREATE TABLE docker_service_connections (
  connection_uuid uuid PRIMARY KEY REFERENCES service_connections (uuid) ON DELETE CASCADE,
  -- Ignored when the base row is local: the core's environment names the daemon (DOCKER_HOST, else the
  -- default socket).
  url text NOT NULL,
  -- The CA that verifies the daemon's certificate (https://); NULL verifies nothing.
  tls_verification uuid REFERENCES certificate_keypairs (kp_uuid) ON DELETE SET NULL,
  -- The client certificate and key (https://), or the SSH private key (ssh://).
  tls_authentication uuid REFERENCES certificate_keypairs (kp_uuid) ON DELETE SET NULL
);

-- Where the Docker controller deployed an outpost's container, so it can remove it after the outpost moved
-- to another connection (or off Docker) or was deleted. No foreign key to outposts: the row must outlive a
-- deleted outpost until its container is gone (as kubernetes_objects).
CREATE TABLE docker_deployments (
  outpost_uuid uuid NOT NULL,
  connection_uuid uuid NOT NULL REFERENCES service_connections (uuid) ON DELETE CASCADE,
  PRIMARY KEY (outpost_uuid, connection_uuid)
);

-- The ON DELETE SET NULL of outposts.service_connection, and the controllers' lookups, scan by it.
CREATE INDEX outposts_service_connection ON outposts (service_connection);
