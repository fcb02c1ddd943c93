-- Live RAC connections: one row per browser socket, from the moment it opens until it closes. The core
-- replica holding the browser socket writes it; whichever replica the outpost's relay socket reaches reads
-- it to find that replica (replica_url) and claims it once (paired_at), so a channel is paired at most once.

CREATE TABLE rac_connections (
  -- The dest_channel_id the outpost dials /ws/outpost_rac/<channel_id>/ with.
  channel_id text PRIMARY KEY,
  token_uuid uuid NOT NULL REFERENCES rac_connection_tokens (connection_token_uuid) ON DELETE CASCADE,
  -- Internal URL of the core replica holding the browser socket (http://host:port).
  replica_url text NOT NULL,
  screen_width text NOT NULL DEFAULT '',
  screen_height text NOT NULL DEFAULT '',
  screen_dpi text NOT NULL DEFAULT '',
  -- The outpost instances told to dial: [{"outpost_uuid": …, "uid": …}].
  instances jsonb NOT NULL DEFAULT '[]'::jsonb,
  created timestamptz NOT NULL DEFAULT now(),
  paired_at timestamptz,
  paired_outpost uuid
);

CREATE INDEX rac_connections_token ON rac_connections (token_uuid);
