-- A RADIUS provider may let its outposts answer a repeated PAP request (same NAS, user and password) from
-- the outcome of a recent successful authentication for a few seconds, rather than running the flow again
-- (docs/radius.md, "Warm cache"). 0 is off, the default; the ceiling keeps the window short, since a
-- cached Accept does not see a policy or group change until it expires.
ALTER TABLE radius_providers
  ADD COLUMN auth_cache_seconds integer NOT NULL DEFAULT 0
  CHECK (auth_cache_seconds >= 0 AND auth_cache_seconds <= 300);
