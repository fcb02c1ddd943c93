-- Service connections (the platforms the core deploys outposts on), the Kubernetes kind of them, what the
-- Kubernetes controller created (so it can remove it after a rename, a namespace move or a delete), token
-- rotations waiting for new pods, and system tasks (each controller run and its log lines).

-- The base row of every kind of connection (controllers.md §1.4); a kind adds its own table keyed by uuid.
CREATE TABLE service_connections (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('kubernetes', 'docker')),
  -- In-cluster service account (Kubernetes) or the local socket (Docker).
  local boolean NOT NULL DEFAULT false,
  -- The last state check ({healthy, version}); NULL until the first check ran.
  state_healthy boolean,
  state_version text,
  state_checked timestamptz,
  created timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kubernetes_service_connections (
  connection_uuid uuid PRIMARY KEY REFERENCES service_connections (uuid) ON DELETE CASCADE,
  -- The kubeconfig as JSON, sealed with the secret key (it holds cluster credentials).
  kubeconfig_sealed text NOT NULL,
  verify_ssl boolean NOT NULL DEFAULT true
);

-- Outposts could not name a connection before this migration; clear anything left by hand, then link.
UPDATE outposts SET service_connection = NULL
  WHERE service_connection IS NOT NULL
    AND service_connection NOT IN (SELECT uuid FROM service_connections);
ALTER TABLE outposts ADD CONSTRAINT outposts_service_connection_fkey
  FOREIGN KEY (service_connection) REFERENCES service_connections (uuid) ON DELETE SET NULL;

-- Every object the Kubernetes controller applied. No foreign key to outposts: the rows must outlive a
-- deleted outpost until its objects are gone. The connection going away takes them along (nothing can
-- reach that cluster any more).
CREATE TABLE kubernetes_objects (
  connection_uuid uuid NOT NULL REFERENCES service_connections (uuid) ON DELETE CASCADE,
  outpost_uuid uuid NOT NULL,
  component text NOT NULL,
  api_version text NOT NULL,
  kind text NOT NULL,
  namespace text NOT NULL,
  name text NOT NULL,
  -- sha256 of the object last applied, so an unchanged object is not applied again.
  applied_hash text NOT NULL,
  -- The resourceVersion the apply answered: unchanged since means nobody else wrote the object.
  resource_version text NOT NULL DEFAULT '',
  applied timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_uuid, api_version, kind, namespace, name)
);

CREATE INDEX kubernetes_objects_outpost ON kubernetes_objects (outpost_uuid);

-- A rotated outpost token whose old key stays valid until the Deployment's new pods are ready.
CREATE TABLE outpost_token_rotations (
  outpost_uuid uuid PRIMARY KEY REFERENCES outposts (uuid) ON DELETE CASCADE,
  old_token_identifier text NOT NULL,
  started timestamptz NOT NULL DEFAULT now()
);

-- The last run of each task (actor, uid), with its log lines and the ones of the run before
-- (GET /api/v3/tasks/tasks/).
CREATE TABLE system_tasks (
  message_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  actor_name text NOT NULL,
  uid text NOT NULL,
  description text NOT NULL DEFAULT '',
  rel_obj_model text NOT NULL DEFAULT '',
  rel_obj_id text,
  aggregated_status text NOT NULL CHECK (aggregated_status IN ('running', 'done', 'info', 'warning', 'error')),
  logs jsonb NOT NULL DEFAULT '[]'::jsonb,
  previous_logs jsonb NOT NULL DEFAULT '[]'::jsonb,
  mtime timestamptz NOT NULL DEFAULT now(),
  UNIQUE (actor_name, uid)
);
